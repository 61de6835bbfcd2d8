/**
 * The site: plain static files. Two folders are served as they are, unhashed, because
 * their files name each other: the guest image (images/out/dist, at /guest/<image
 * version>/: the manifest names the snapshot and disk parts; the version in the path keeps
 * two builds' files apart in caches) and v86's WebAssembly (at /v86/: v86 derives
 * v86-fallback.wasm from v86.wasm's URL; both carry LabBox's JIT threshold,
 * src/vm/jit-threshold.ts). Served from their folders in development, copied into dist/ by
 * the build, with guest/<version>/files.json listing what "make available offline" downloads. The service worker (src/offline/sw.ts) is built by
 * vite-plugin-pwa around Workbox.
 */
import { cpSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { withJitThreshold } from './src/vm/jit-threshold.ts';
import type { GuestManifest } from './src/vm/manifest';
import { DEFAULT_JIT } from './src/vm/options.ts';

const guestDir = path.resolve(import.meta.dirname, process.env.LABBOX_IMAGE_DIR ?? 'images/out/dist');
const guestManifest = path.join(guestDir, 'manifest.json');
const guestImage: GuestManifest | undefined = existsSync(guestManifest) ? JSON.parse(readFileSync(guestManifest, 'utf8')) : undefined;
const guestVersion = guestImage?.imageVersion ?? 'missing';
/** The page only restores snapshots: the kernel and initramfs (cold boots: the build, `npm run vm -- --cold`) stay out of the site. */
const coldBootOnly = guestImage ? [guestImage.files.kernel.path, guestImage.files.initrd.path] : [];
/** Whether a file of the guest folder (its path relative to that folder) is part of the site. */
const inSite = (relative: string) => !coldBootOnly.includes(relative);
const guestPath = `guest/${guestVersion}/`;
const v86Dir = path.resolve(import.meta.dirname, 'node_modules/v86/build');
const STATIC: Record<string, { dir: string; files?: string[] }> = {
  [`/${guestPath}`]: { dir: guestDir },
  '/v86/': { dir: v86Dir, files: ['v86.wasm', 'v86-fallback.wasm'] },
};
/** One of v86's WebAssembly files as the site serves it: with LabBox's JIT threshold. */
const v86Wasm = (file: string) => withJitThreshold(readFileSync(path.join(v86Dir, file)), DEFAULT_JIT.threshold);

/** Every file of the guest folder with its size: the offline download's list and total. */
function listFiles(dir: string, prefix = ''): { path: string; size: number }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const name = `${prefix}${entry.name}`;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full, `${name}/`);
    return inSite(name) ? [{ path: name, size: statSync(full).size }] : [];
  });
}

function unhashedFolders(): Plugin {
  const serve = (req: { url?: string }, res: ServerResponse, next: () => void) => {
    const url = decodeURIComponent((req.url ?? '').split('?')[0]);
    const prefix = Object.keys(STATIC).find((p) => url.startsWith(p));
    if (!prefix) return next();
    const { dir, files } = STATIC[prefix];
    const name = url.slice(prefix.length);
    if (dir === guestDir && name === 'files.json') {
      res.setHeader('Content-Type', 'application/json');
      return res.end(JSON.stringify(listFiles(guestDir)));
    }
    const file = path.join(dir, name);
    const excluded = files ? !files.includes(name) : dir === guestDir && !inSite(name);
    if (!file.startsWith(dir) || excluded || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      return res.end('not found');
    }
    const type = file.endsWith('.json') ? 'application/json' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    res.setHeader('Content-Type', type);
    if (dir === v86Dir) return res.end(v86Wasm(name));
    res.setHeader('Content-Length', statSync(file).size);
    createReadStream(file).pipe(res);
  };
  return {
    name: 'labbox-unhashed-folders',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
    writeBundle(options) {
      const out = options.dir ?? 'dist';
      mkdirSync(path.join(out, 'v86'), { recursive: true });
      for (const file of STATIC['/v86/'].files!) writeFileSync(path.join(out, 'v86', file), v86Wasm(file));
      if (!existsSync(guestManifest)) {
        this.warn(`no guest image in ${guestDir}: run \`npm run build:image\`; the site will say the image is missing`);
        return;
      }
      const target = path.join(out, guestPath);
      cpSync(guestDir, target, { recursive: true, filter: (from) => inSite(path.relative(guestDir, from)) });
      writeFileSync(path.join(target, 'files.json'), JSON.stringify(listFiles(guestDir)));
    },
  };
}

export default defineConfig(({ command }) => ({
  define: {
    __GUEST_PATH__: JSON.stringify(guestPath),
    __GUEST_VERSION__: JSON.stringify(guestVersion),
    __GUEST_MANIFEST__: JSON.stringify(guestImage ?? null),
    // the dev server has no service worker; a build has one, whatever NODE_ENV says (tests build under NODE_ENV=test)
    __SERVICE_WORKER__: JSON.stringify(command === 'build'),
  },
  plugins: [
    unhashedFolders(),
    VitePWA({
      // Workbox's quiet production build even when tests build under NODE_ENV=test
      mode: 'production',
      strategies: 'injectManifest',
      srcDir: 'src/offline',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      manifest: {
        name: 'LabBox — Linux, containers and Docker labs',
        short_name: 'LabBox',
        description: 'A real Linux machine with namespaces, cgroups, LXC and Docker, in the browser, for the hands-on labs of a Docker and Kubernetes course.',
        start_url: './?app',
        scope: './',
        display: 'standalone',
        background_color: '#1e1e1e',
        theme_color: '#1e1e1e',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      injectManifest: {
        // the app shell, the emulator and the labs; the guest image is cached by the service
        // worker as it is used, and in full by "make available offline"
        globPatterns: ['**/*.{html,js,css,wasm,json,md,sh,png,svg,webmanifest}'],
        globIgnores: ['guest/**'],
        maximumFileSizeToCacheInBytes: 16 * 2 ** 20,
      },
    }),
  ],
  worker: { format: 'es' },
  build: { target: 'es2022', assetsInlineLimit: 0 },
  server: { port: 5173 },
  preview: { port: 8080 },
}));
