/**
 * The site: plain static files. Two folders are served as they are, unhashed, because
 * their files name each other: the guest image (images/out/dist, at /guest/: the manifest
 * names the snapshot and disk parts) and v86's WebAssembly (at /v86/: v86 derives
 * v86-fallback.wasm from v86.wasm's URL). Served from their folders in development,
 * copied into dist/ by the build.
 */
import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const guestDir = path.resolve(import.meta.dirname, process.env.LABBOX_IMAGE_DIR ?? 'images/out/dist');
const v86Dir = path.resolve(import.meta.dirname, 'node_modules/v86/build');
const STATIC: Record<string, { dir: string; files?: string[] }> = {
  '/guest/': { dir: guestDir },
  '/v86/': { dir: v86Dir, files: ['v86.wasm', 'v86-fallback.wasm'] },
};

function unhashedFolders(): Plugin {
  const serve = (req: { url?: string }, res: ServerResponse, next: () => void) => {
    const url = decodeURIComponent((req.url ?? '').split('?')[0]);
    const prefix = Object.keys(STATIC).find((p) => url.startsWith(p));
    if (!prefix) return next();
    const { dir, files } = STATIC[prefix];
    const name = url.slice(prefix.length);
    const file = path.join(dir, name);
    if (!file.startsWith(dir) || (files && !files.includes(name)) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      return res.end('not found');
    }
    res.setHeader('Content-Length', statSync(file).size);
    const type = file.endsWith('.json') ? 'application/json' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    res.setHeader('Content-Type', type);
    createReadStream(file).pipe(res);
  };
  return {
    name: 'labbox-unhashed-folders',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
    writeBundle(options) {
      const out = options.dir ?? 'dist';
      for (const file of STATIC['/v86/'].files!) cpSync(path.join(v86Dir, file), path.join(out, 'v86', file));
      if (!existsSync(path.join(guestDir, 'manifest.json'))) {
        this.warn(`no guest image in ${guestDir}: run \`npm run build:image\`; the site will say the image is missing`);
        return;
      }
      cpSync(guestDir, path.join(out, 'guest'), { recursive: true });
    },
  };
}

export default defineConfig({
  plugins: [unhashedFolders()],
  worker: { format: 'es' },
  build: { target: 'es2022', assetsInlineLimit: 0 },
  server: { port: 5173 },
  preview: { port: 8080 },
});
