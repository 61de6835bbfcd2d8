/**
 * The service worker. Workbox precaches the app shell (page, scripts, styles, the emulator's
 * WebAssembly, the built-in labs) at install; the guest image's files go to a cache of their
 * image version as they are used, or all at once from the page's "make available offline".
 * A new build waits until the trainee accepts it (src/offline/updates.ts).
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { GUEST_CACHE_PREFIX, guestCacheName } from './guest-cache';
import { previewDenylist, servePreviews } from '../preview/service-worker';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[]; __WB_DISABLE_DEV_LOGS?: boolean };

// a build made under NODE_ENV=test (the browser tests) keeps Workbox's development logging: a
// console group for every disk part the guest reads
self.__WB_DISABLE_DEV_LOGS = true;

/** the site's own path: `/`, or the folder it is served from */
const siteRoot = new URL(self.registration.scope).pathname;
// first: a request under /preview/<port>/ goes to a server in the guest (src/preview/service-worker.ts)
servePreviews(siteRoot);

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// every address of the site (?lab=…, ?author, ?app) is the same page
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [previewDenylist(siteRoot)] }));

const guestRoot = new URL(__GUEST_PATH__, self.registration.scope).pathname;
// ignoreVary: a static server may answer "Vary: Origin", and the page's fetch (which fills
// the cache) and v86's XMLHttpRequest (which reads it) need not send the same Origin
registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith(guestRoot),
  new CacheFirst({ cacheName: guestCacheName(__GUEST_VERSION__), matchOptions: { ignoreVary: true } }),
);

self.addEventListener('activate', (event) => {
  // another image's files serve no page of this build; the trainee's saved machines are in IndexedDB, untouched
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith(GUEST_CACHE_PREFIX) && n !== guestCacheName(__GUEST_VERSION__)).map((n) => caches.delete(n))),
      ),
  );
});

self.addEventListener('message', (event) => {
  const type = (event.data as { type?: string } | null)?.type;
  if (type === 'SKIP_WAITING') void self.skipWaiting();
  else if (type === 'GET_VERSION') event.ports[0]?.postMessage({ guestVersion: __GUEST_VERSION__ });
});
