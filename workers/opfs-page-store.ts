/**
 * Where the guest's written disk pages go out of the emulator worker's memory (src/vm/written-blocks.ts):
 * a file of the Origin Private File System, read and written through a synchronous access handle
 * (dedicated workers only), one per running machine, deleted when it stops. Files left by a
 * machine that did not stop (a crashed tab) are deleted when the next one starts: a running
 * machine's file is locked by its handle and stays.
 */
import type { PageStore } from '../src/vm/written-blocks';

const PREFIX = 'labbox-written-';

/** FileSystemSyncAccessHandle, which only a worker's types declare (the page's layer sees this file too). */
interface SyncAccessHandle {
  read(into: Uint8Array, options: { at: number }): number;
  write(data: Uint8Array, options: { at: number }): number;
  close(): void;
}

export interface ClosablePageStore extends PageStore {
  close(): Promise<void>;
}

/** The store, or undefined where the browser has no OPFS synchronous access (the pages then stay in memory). */
export async function openOpfsPageStore(): Promise<ClosablePageStore | undefined> {
  try {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) if (name.startsWith(PREFIX)) names.push(name);
    await Promise.all(names.map((name) => root.removeEntry(name).catch(() => {})));
    const name = `${PREFIX}${crypto.randomUUID()}`;
    const file = (await root.getFileHandle(name, { create: true })) as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> };
    const handle = await file.createSyncAccessHandle();
    return {
      write: (slot, page) => void handle.write(page, { at: slot * page.length }),
      read: (slot, into) => void handle.read(into, { at: slot * into.length }),
      async close() {
        handle.close();
        await root.removeEntry(name).catch(() => {});
      },
    };
  } catch {
    return undefined;
  }
}
