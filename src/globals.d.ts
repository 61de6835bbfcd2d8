/** Build constants (vite.config.ts `define`): where this build's guest image is served. */
declare const __GUEST_PATH__: string;
declare const __GUEST_VERSION__: string;
