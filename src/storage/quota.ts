/** How much the browser lets the site store, and asking it to keep our data. */
import type { Strings } from '../i18n';

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

/** What is stored and what the browser allows, in `words`' language, with a warning when little room is left. */
export function describeUse(use: StorageUse, words: Strings): string {
  const room = use.quota - use.used;
  return words.size.stored(use.used, use.quota, use.persisted, room < LOW_SPACE_BYTES ? room : null);
}
