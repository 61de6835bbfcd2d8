/**
 * Where the guest image's files are cached for offline use: one Cache Storage cache per
 * image version, shared by the service worker (which fills it as files are used) and the
 * page (which fills it all at once for "make available offline").
 */
import type { ManifestFile } from '../vm/manifest';
import { sha256Hex } from '../storage/digest';

export const GUEST_CACHE_PREFIX = 'labbox-guest-';

export const guestCacheName = (version: string): string => `${GUEST_CACHE_PREFIX}${version}`;

/** Whether `bytes` are the file the manifest describes (its size, then its SHA-256). */
export async function matchesEntry(bytes: ArrayBuffer, entry: ManifestFile): Promise<boolean> {
  return bytes.byteLength === entry.size && (await sha256Hex(bytes)) === entry.sha256;
}

/**
 * A guest file from that cache, read straight from Cache Storage (no service-worker hop), when
 * its size and SHA-256 match the manifest's. A damaged copy is dropped, so that it is downloaded
 * again rather than restored on every visit. Undefined when it is not there, damaged, or the
 * cache cannot be read: the caller downloads it.
 */
export async function verifiedGuestFile(version: string, url: string, entry: ManifestFile): Promise<ArrayBuffer | undefined> {
  if (typeof caches === 'undefined') return undefined;
  let bytes: ArrayBuffer | undefined;
  try {
    const response = await caches.match(url, { cacheName: guestCacheName(version), ignoreVary: true });
    bytes = response?.ok ? await response.arrayBuffer() : undefined;
  } catch {
    return undefined;
  }
  if (!bytes || (await matchesEntry(bytes, entry))) return bytes;
  await caches
    .open(guestCacheName(version))
    .then((cache) => cache.delete(url, { ignoreVary: true }))
    .catch(() => undefined);
  return undefined;
}

/**
 * Keeps a guest file the page downloaded before its service worker existed (the first visit)
 * in that cache, so that the next visit reads it from there instead of the server. Only an
 * optimisation: where there is no Cache Storage (plain http) or no room, nothing is kept and
 * the next visit downloads the file again, as it would have.
 */
export async function keepGuestFile(version: string, url: string, bytes: ArrayBuffer): Promise<void> {
  if (typeof caches === 'undefined') return;
  try {
    const cache = await caches.open(guestCacheName(version));
    if (await cache.match(url, { ignoreVary: true })) return;
    await cache.put(url, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength) } }));
  } catch {
    // no room, or storage refused: the next visit downloads it, as before
  }
}
