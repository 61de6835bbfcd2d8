/**
 * Streams the site's cached snapshot (about 34 MiB) to the emulator worker, started by the
 * page's first script: the emulator worker's thread is busy loading its script and v86's
 * WebAssembly meanwhile, then restoring; reading the snapshot and checking its digest there
 * kept it busy for another 0.6-0.9 s before the restore could begin. Here both happen on a
 * thread of their own, and the emulator restores the bytes as they come (cached-snapshot.ts).
 */
import * as Comlink from 'comlink';
import { parseManifest } from '../src/vm/manifest';
import { guestCacheName, matchesEntry } from '../src/offline/guest-cache';
import type { SnapshotMessage } from './cached-snapshot';

async function stream(imageUrl: string, send: (message: SnapshotMessage, transfer?: Transferable[]) => void): Promise<void> {
  const response = await fetch(new URL('manifest.json', imageUrl));
  if (!response.ok) return send({ kind: 'head', cached: false });
  const manifest = parseManifest(await response.json());
  if (manifest.imageVersion !== __GUEST_VERSION__) return send({ kind: 'head', cached: false });
  const entry = manifest.files.state;
  const url = new URL(entry.path, imageUrl).href;
  const cache = await caches.open(guestCacheName(manifest.imageVersion));
  const cached = await cache.match(url, { ignoreVary: true });
  if (!cached?.ok || !cached.body) return send({ kind: 'head', url, cached: false });
  send({ kind: 'head', url, cached: true });
  // kept whole for its digest (crypto.subtle has no incremental one; the JavaScript one took 1 s here)
  const file = new Uint8Array(entry.size);
  let total = 0;
  const reader = cached.body.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    if (total + part.value.byteLength > file.byteLength) {
      total = -1;
      break;
    }
    file.set(part.value, total);
    total += part.value.byteLength;
    const chunk = part.value.slice().buffer;
    send({ kind: 'bytes', chunk }, [chunk]);
  }
  const whole = total === entry.size && (await matchesEntry(file.buffer, entry));
  // a damaged copy is downloaded again rather than restored on every visit
  if (!whole) await cache.delete(url, { ignoreVary: true }).catch(() => undefined);
  send({ kind: 'end', whole });
}

const api = {
  /** Streams the snapshot of the image at `imageUrl` (absolute) into `port` (SnapshotMessage). */
  async stream(imageUrl: string, port: MessagePort): Promise<void> {
    let began = false;
    const send = (message: SnapshotMessage, transfer: Transferable[] = []) => {
      began ||= message.kind === 'head' && message.cached;
      port.postMessage(message, transfer);
    };
    try {
      await stream(imageUrl, send);
    } catch {
      // the emulator worker then reads the cache itself, or downloads
      send(began ? { kind: 'end', whole: false } : { kind: 'head', cached: false });
    }
    port.close();
  },
};

export type SnapshotReaderApi = typeof api;

Comlink.expose(api);
