/**
 * Streams the site's cached snapshot (about 34 MiB) to the emulator worker, started by the
 * page's first script: the emulator worker's thread is busy loading its script and v86's
 * WebAssembly meanwhile, then restoring; reading the snapshot there kept it busy for another
 * 0.6-0.9 s before the restore could begin. Here the reading happens on a thread of its own,
 * each piece handed over as it comes (moved, not copied), and the emulator restores the bytes
 * as they arrive (cached-snapshot.ts). The file's check is the restore's (the zstd frame's
 * checksum, read with its last page, src/vm/restore-memory.ts): no SHA-256 here, which cost a
 * copy of the file and 0.2-0.3 s of this core.
 */
import * as Comlink from 'comlink';
import { guestCacheName } from '../src/offline/guest-cache';
import type { SnapshotMessage } from './cached-snapshot';
import { builtInManifest, fetchManifest } from './guest-manifest';
import { stringsFor } from '../src/i18n';

async function stream(imageUrl: string, send: (message: SnapshotMessage, transfer?: Transferable[]) => void): Promise<void> {
  const base = new URL(imageUrl);
  const manifest = builtInManifest(base) ?? (await fetchManifest(base, stringsFor('en')));
  if (manifest.imageVersion !== __GUEST_VERSION__) return send({ kind: 'head', cached: false });
  const entry = manifest.files.state;
  const url = new URL(entry.path, imageUrl).href;
  const cache = await caches.open(guestCacheName(manifest.imageVersion));
  const cached = await cache.match(url, { ignoreVary: true });
  if (!cached?.ok || !cached.body) return send({ kind: 'head', url, cached: false });
  send({ kind: 'head', url, cached: true });
  let total = 0;
  const reader = cached.body.getReader();
  for (let part = await reader.read(); !part.done && total <= entry.size; part = await reader.read()) {
    const piece = part.value;
    total += piece.byteLength;
    // a piece that is a whole buffer moves to the emulator's thread as it is
    const chunk = piece.byteOffset === 0 && piece.byteLength === piece.buffer.byteLength ? (piece.buffer as ArrayBuffer) : piece.slice().buffer;
    send({ kind: 'bytes', chunk }, [chunk]);
  }
  send({ kind: 'end', whole: total === entry.size });
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
