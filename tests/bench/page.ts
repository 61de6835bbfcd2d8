/**
 * The page's figures for the benchmark: open to an interactive prompt (cold cache, then warm),
 * bytes transferred before the first prompt, a `docker run` typed in the page, the longest
 * main-thread task while the guest runs; then, after a small lab, the autosave's save of what
 * one command changed (the work a closed tab can lose, its time and size), a full save (time,
 * stored size) and resuming it on reload; then making the site available offline and
 * reloading it with the server stopped.
 */
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import { build, preview } from 'vite';
import { builtGuest, launch, openReady, typeLine, waitForText } from '../e2e/browser';

export interface PageFigures {
  /** harness wall time: a new tab, the navigation, the prompt seen by polling the screen */
  coldMs: number;
  warmMs: number;
  /** the page's own clock: navigation start to the first prompt on screen (the `prompt` mark) */
  coldPromptMs: number;
  warmPromptMs: number;
  /** the warm open's steps, ms since the page opened (body[data-start-marks], see publishStartMarks) */
  warmMarks: Record<string, number>;
  coldBytes: number;
  dockerRunMs: number;
  longestTaskMs: number;
  saveMs: number;
  savedBytes: number;
  savedRawBytes: number;
  longestTaskDuringSaveMs: number;
  /** a command's Enter to the autosave's save of what it changed: the work a closed tab loses */
  changesWindowMs: number;
  changesSaveMs: number;
  changesStoredBytes: number;
  changesStateMs: number;
  longestTaskDuringChangesMs: number;
  resumeMs: number;
  offlineDownloadMs: number;
  offlineReloadMs: number;
}

/** The stored sizes of the newest saved machine, read from the page's IndexedDB. */
function newestSnapshotSizes(): Promise<{ storedSize: number; rawSize: number }> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('labbox');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const get = open.result.transaction('snapshots').objectStore('snapshots').get('index');
      get.onerror = () => reject(get.error);
      get.onsuccess = () => {
        const list = get.result.snapshots as { createdAt: string; storedSize: number; rawSize: number }[];
        resolve(list.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]);
      };
    };
  });
}

/** The page's start marks (ms since navigation start, see publishStartMarks in src/ui/main.ts). */
async function startMarks(page: Page): Promise<Record<string, number>> {
  const marks = await page.waitForFunction(() => document.body.dataset.startMarks).then((h) => h.jsonValue());
  return JSON.parse(String(marks)) as Record<string, number>;
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
    const cold = await openReady(context, url);
    const coldMs = Date.now() - t;
    const coldBytes = bytes;
    const coldMarks = await startMarks(cold);
    // warm means cached: the service worker installed (it precaches the site after the first
    // prompt) and the snapshot kept in the guest cache, as on a trainee's next visit
    await cold.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const { version, manifest } = builtGuest();
    await cold.waitForFunction(
      (u) => caches.match(u, { ignoreVary: true }).then((r) => r !== undefined),
      `${url}guest/${version}/${manifest.files.state.path}`,
      { timeout: 60_000, polling: 250 },
    );
    await cold.close();

    t = Date.now();
    const page = await openReady(context, url);
    const warmMs = Date.now() - t;
    const warmMarks = await startMarks(page);
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
    const longest = () => page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    const longestTaskMs = await longest();

    // a small lab; the autosave's first full save, then its saves of what changed
    await typeLine(
      page,
      'clear; docker run -d --name web -p 8080:80 nginx >/dev/null && mkdir -p /root/lab && echo notes > /root/lab/notes.txt && echo lab-done',
    );
    await waitForText(page, /^lab-done$/m, 300_000);
    const lastChanges = () => page.evaluate(() => document.body.dataset.lastChangesSave ?? '');
    await page.waitForFunction(() => document.body.dataset.lastChangesSave, null, { timeout: 600_000, polling: 250 });
    await page.waitForTimeout(5_000);
    const before = await lastChanges();
    await page.evaluate(() => ((window as unknown as { __longest: number }).__longest = 0));
    t = Date.now();
    await typeLine(page, 'echo one-command > /root/lab/one.txt');
    await page.waitForFunction((b) => (document.body.dataset.lastChangesSave ?? '') !== b, before, { timeout: 60_000, polling: 100 });
    const changes = JSON.parse(await lastChanges()) as { at: number; storedBytes: number; stateMs: number; totalMs: number };
    const changesWindowMs = changes.at - t;
    const longestTaskDuringChangesMs = await longest();

    // a full save: "Save as" in the saved machines
    await page.evaluate(() => ((window as unknown as { __longest: number }).__longest = 0));
    page.once('dialog', (d) => void d.accept('bench'));
    await page.click('#snapshots-button');
    t = Date.now();
    await page.click('dialog.snapshots [data-do=save-as]');
    await page.waitForFunction(() => /Saved "bench"|not saved|Not saved/i.test(document.querySelector('dialog.snapshots .message')?.textContent ?? ''), null, {
      timeout: 300_000,
      polling: 100,
    });
    const saveMs = Date.now() - t;
    await page.click('dialog.snapshots form button');
    const longestTaskDuringSaveMs = await longest();
    const sizes = await page.evaluate(newestSnapshotSizes);
    t = Date.now();
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 300_000 });
    const resumeMs = Date.now() - t;

    // offline: the whole machine into the cache, then the server goes away
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // the machine (accepted), then the extras disk's programs (declined): the network is cut only
    // once the second question is answered, or the reload would meet that dialog still open
    let questions = 0;
    const declinedExtras = new Promise<void>((resolve) =>
      page.on('dialog', (dialog) => {
        if (++questions === 1) return void dialog.accept();
        void dialog.dismiss().then(resolve);
      }),
    );
    t = Date.now();
    await page.click('#offline-button');
    await page.waitForFunction(
      () => /available offline in this browser|Not available offline/.test(document.querySelector('footer .note')?.textContent ?? ''),
      null,
      { timeout: 900_000, polling: 250 },
    );
    const offlineDownloadMs = Date.now() - t;
    await Promise.race([declinedExtras, page.waitForTimeout(60_000)]);
    (server.httpServer as Server).closeAllConnections();
    await server.close();
    await context.setOffline(true);
    t = Date.now();
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 300_000 });
    const offlineReloadMs = Date.now() - t;
    return {
      coldMs,
      warmMs,
      coldPromptMs: coldMarks.prompt,
      warmPromptMs: warmMarks.prompt,
      warmMarks,
      coldBytes,
      dockerRunMs,
      longestTaskMs,
      saveMs,
      savedBytes: sizes.storedSize,
      savedRawBytes: sizes.rawSize,
      longestTaskDuringSaveMs,
      resumeMs,
      changesWindowMs,
      changesSaveMs: changes.totalMs,
      changesStoredBytes: changes.storedBytes,
      changesStateMs: changes.stateMs,
      longestTaskDuringChangesMs,
      offlineDownloadMs,
      offlineReloadMs,
    };
  } finally {
    await browser.close();
    await server.close().catch(() => {});
  }
}
