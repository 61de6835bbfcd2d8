/** How much the browser lets the site store, and asking it to keep our data. */

export interface StorageUse {
  used: number;
  quota: number;
  persisted: boolean;
}

/** Warn when a save might not fit: an autosave after a lab needs a few tens of MB. */
export const LOW_SPACE_BYTES = 150 * 2 ** 20;

export async function storageUse(): Promise<StorageUse | null> {
  if (!navigator.storage?.estimate) return null;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const persisted = (await navigator.storage.persisted?.()) ?? false;
  return { used: usage, quota, persisted };
}

/** Asks the browser not to evict our snapshots under storage pressure (it may say no). */
export async function requestPersistence(): Promise<boolean> {
  try {
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}

/** A size as people read it: "4.2 MB", "77 MB" (MiB, as browsers count storage). */
export function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;
}

export function describeUse(use: StorageUse): string {
  const mb = megabytes;
  const room = use.quota - use.used;
  const warning = room < LOW_SPACE_BYTES ? ` — only ${mb(room)} left: delete or export snapshots before the next save` : '';
  return `Stored: ${mb(use.used)} of ${mb(use.quota)} the browser allows${use.persisted ? ' (kept safe from eviction)' : ''}${warning}`;
}
