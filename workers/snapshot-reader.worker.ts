/**
 * Reads the site's cached snapshot (about 34 MiB) and checks its digest on a thread of its own,
 * started by the page's first script: the emulator worker's thread is busy loading its script
 * and v86's WebAssembly meanwhile, and reading and checking the snapshot there kept it busy
 * for another 0.6-0.9 s before the restore could begin.
 */
import * as Comlink from 'comlink';
import { parseManifest } from '../src/vm/manifest';
import { verifiedGuestFile } from '../src/offline/guest-cache';

/** The snapshot at `url`, checked; no buffer: not cached, or damaged (and dropped). */
export interface CachedSnapshot {
  url: string;
  buffer?: ArrayBuffer;
}

const api = {
  /** `imageUrl`: the image folder's absolute URL. Undefined when it is not this site's image. */
  async read(imageUrl: string): Promise<CachedSnapshot | undefined> {
    const response = await fetch(new URL('manifest.json', imageUrl));
    if (!response.ok) return undefined;
    const manifest = parseManifest(await response.json());
    if (manifest.imageVersion !== __GUEST_VERSION__) return undefined;
    const url = new URL(manifest.files.state.path, imageUrl).href;
    const buffer = await verifiedGuestFile(manifest.imageVersion, url, manifest.files.state);
    return buffer ? Comlink.transfer({ url, buffer }, [buffer]) : { url };
  },
};

export type SnapshotReaderApi = typeof api;

Comlink.expose(api);
