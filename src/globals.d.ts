/** Build constants (vite.config.ts `define`): where this build's guest image is served. */
declare const __GUEST_PATH__: string;
declare const __GUEST_VERSION__: string;
/** That image's manifest.json (parsed by the workers), null when the build found no image. */
declare const __GUEST_MANIFEST__: unknown;
/** Whether this build ships a service worker (not the dev server). */
declare const __SERVICE_WORKER__: boolean;
