/**
 * The page's figures for the benchmark: open to an interactive prompt (cold cache, then warm),
 * bytes transferred before the first prompt, a `docker run` typed in the page, and the
 * longest main-thread task while the guest runs.
 */
import { build, preview } from 'vite';
import { launch, openReady, typeLine, waitForText } from '../e2e/browser';

export interface PageFigures {
  coldMs: number;
  warmMs: number;
  coldBytes: number;
  dockerRunMs: number;
  longestTaskMs: number;
}

export async function measurePage(): Promise<PageFigures> {
  await build({ logLevel: 'warn' });
  const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls!.local[0];
  const browser = await launch();
  try {
    // cold: a new profile, nothing cached; warm: the same profile again (HTTP cache)
    const context = await browser.newContext();
    let bytes = 0;
    context.on('requestfinished', async (request) => {
      const sizes = await request.sizes().catch(() => null);
      if (sizes) bytes += sizes.responseBodySize;
    });
    let t = Date.now();
    await openReady(context, url).then((p) => p.close());
    const coldMs = Date.now() - t;
    const coldBytes = bytes;

    t = Date.now();
    const page = await openReady(context, url);
    const warmMs = Date.now() - t;
    await page.evaluate(() => {
      const w = window as unknown as { __longest: number };
      w.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    t = Date.now();
    await typeLine(page, 'docker run --rm busybox true; echo run-done-$?');
    await waitForText(page, /^run-done-0$/m, 300_000);
    const dockerRunMs = Date.now() - t;
    const longestTaskMs = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    return { coldMs, warmMs, coldBytes, dockerRunMs, longestTaskMs };
  } finally {
    await browser.close();
    await server.close();
  }
}
