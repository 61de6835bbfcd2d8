/**
 * Where the guest image's files are cached for offline use: one Cache Storage cache per
 * image version, shared by the service worker (which fills it as files are used) and the
 * page (which fills it all at once for "make available offline").
 */
export const GUEST_CACHE_PREFIX = 'labbox-guest-';

export const guestCacheName = (version: string): string => `${GUEST_CACHE_PREFIX}${version}`;
