/**
 * The site: plain static files. The guest image (images/out/dist) is served at /guest/ in
 * development and copied to dist/guest/ by the build, unhashed, since v86 and the snapshot
 * name its files themselves.
 */
import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const guestDir = path.resolve(import.meta.dirname, process.env.LABBOX_IMAGE_DIR ?? 'images/out/dist');

function guestImage(): Plugin {
  const serve = (req: { url?: string }, res: import('node:http').ServerResponse, next: () => void) => {
    const url = decodeURIComponent((req.url ?? '').split('?')[0]);
    if (!url.startsWith('/guest/')) return next();
    const file = path.join(guestDir, url.slice('/guest/'.length));
    if (!file.startsWith(guestDir) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      return res.end('not found');
    }
    res.setHeader('Content-Length', statSync(file).size);
    res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    createReadStream(file).pipe(res);
  };
  return {
    name: 'labbox-guest-image',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
    writeBundle(options) {
      if (!existsSync(path.join(guestDir, 'manifest.json'))) {
        this.warn(`no guest image in ${guestDir}: run \`npm run build:image\`; the site will say the image is missing`);
        return;
      }
      cpSync(guestDir, path.join(options.dir ?? 'dist', 'guest'), { recursive: true });
    },
  };
}

export default defineConfig({
  plugins: [guestImage()],
  worker: { format: 'es' },
  build: { target: 'es2022', assetsInlineLimit: 0 },
  server: { port: 5173 },
  preview: { port: 8080 },
});
