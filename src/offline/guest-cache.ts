/**
 * Where the guest image's files are cached for offline use: one Cache Storage cache per
 * image version, shared by the service worker (which fills it as files are used) and the
 * page (which fills it all at once for "make available offline").
 */
export const GUEST_CACHE_PREFIX = 'labbox-guest-';

export const guestCacheName = (version: string): string => `${GUEST_CACHE_PREFIX}${version}`;

/**
 * A guest file from that cache, read straight from Cache Storage: no service-worker hop and no
 * stream copied chunk by chunk (the 18 MiB snapshot: 150-190 ms through the service worker,
 * about 40 ms so). Undefined when it is not there or the cache cannot be read: the caller
 * downloads it.
 */
export async function cachedGuestFile(version: string, url: string): Promise<ArrayBuffer | undefined> {
  if (typeof caches === 'undefined') return undefined;
  try {
    const response = await caches.match(url, { cacheName: guestCacheName(version), ignoreVary: true });
    return response?.ok ? await response.arrayBuffer() : undefined;
  } catch {
    return undefined;
  }
}

/** Drops a damaged copy of a guest file, so that the next read downloads it. */
export async function forgetGuestFile(version: string, url: string): Promise<void> {
  if (typeof caches === 'undefined') return;
  await caches
    .open(guestCacheName(version))
    .then((cache) => cache.delete(url, { ignoreVary: true }))
    .catch(() => undefined);
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
