/**
 * The built site offline (issue: offline classroom), in real Chromium with the real service
 * worker. Each test serves the build on its own port (its own origin, so its own service
 * worker and caches), then stops that server: the network is really gone.
 */
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestCacheName } from '../../src/offline/guest-cache';
import { builtGuest, launch, openReady, PROMPT, typeLine, waitForText, waitReady } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function serve(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report its URL');
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      (server.httpServer as Server).closeAllConnections();
      await server.close();
    })());
  return { url, stop };
}

/** The service worker is installed and active (it was registered after the first prompt). */
async function serviceWorkerActive(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
}

async function cutNetwork(context: BrowserContext, stop: () => Promise<void>): Promise<void> {
  await stop();
  await context.setOffline(true);
}

describe('offline', () => {
  it('keeps the snapshot downloaded on the first visit, before any service worker, for the next visit; both restore it as it arrives', async () => {
    const { url, stop } = await serve();
    const {
      version,
      manifest: { files },
    } = builtGuest();
    const context = await browser.newContext();
    try {
      const page = await openReady(context, url);
      const stateUrl = `${url}guest/${version}/${files.state.path}`;
      const keptBytes = () =>
        page.evaluate((u) => caches.match(u, { ignoreVary: true }).then((r) => (r ? r.arrayBuffer().then((b) => b.byteLength) : 0)), stateUrl);
      await expect.poll(keptBytes, { timeout: 30_000, interval: 500 }).toBe(files.state.size);
      // downloaded, then streamed from the cache by the page's reader: each restore began before the whole file was there
      const streamBegan = async () =>
        'stream-began' in JSON.parse(await page.waitForFunction(() => document.body.dataset.startMarks).then((h) => h.jsonValue() as Promise<string>));
      expect(await streamBegan()).toBe(true);
      await page.reload();
      await waitReady(page, 180_000);
      await waitForText(page, PROMPT);
      expect(await streamBegan()).toBe(true);
    } finally {
      await context.close();
      await stop();
    }
  });

  it('drops a damaged snapshot from its cache, downloads it again and restores', async () => {
    const { url, stop } = await serve();
    const {
      version,
      manifest: { files },
    } = builtGuest();
    const stateUrl = `${url}guest/${version}/${files.state.path}`;
    const context = await browser.newContext();
    try {
      const page = await openReady(context, url);
      const keptDigest = () =>
        page.evaluate(async (u) => {
          const response = await caches.match(u, { ignoreVary: true });
          if (!response) return 'none';
          const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
          return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
        }, stateUrl);
      await expect.poll(keptDigest, { timeout: 30_000, interval: 500 }).toBe(files.state.sha256);
      // the same size, other bytes: what a disk error or a half-written entry could leave
      await page.evaluate(([u, size, name]) => caches.open(name).then((cache) => cache.put(u, new Response(new Uint8Array(size).fill(7)))), [
        stateUrl,
        files.state.size,
        guestCacheName(version),
      ] as const);
      expect(await keptDigest()).not.toBe(files.state.sha256);
      await page.reload();
      await waitReady(page, 180_000);
      await waitForText(page, PROMPT);
      await expect.poll(keptDigest, { timeout: 30_000, interval: 500 }).toBe(files.state.sha256);
    } finally {
      await context.close();
      await stop();
    }
  });

  it('made available offline, the site reloads with the network cut: the guest restores, docker runs, a lab check runs', async () => {
    const { url, stop } = await serve();
    const context = await browser.newContext();
    try {
      const page = await openReady(context, `${url}?lab=namespaces&lang=en`);
      await serviceWorkerActive(page);
      // the machine first; then the programs of the etcd lab and of Kubernetes and the Kubernetes machine, offered apart (declined here)
      const questions: string[] = [];
      page.on('dialog', (dialog) => {
        questions.push(dialog.message());
        void (questions.length === 1 ? dialog.accept() : dialog.dismiss());
      });
      await page.click('#offline-button');
      await expect.poll(() => page.locator('#status .note').innerText(), { timeout: 600_000, interval: 1000 }).toMatch(/available offline in this browser/);
      await expect.poll(() => questions.length, { timeout: 30_000 }).toBe(2);
      expect(questions[0]).toMatch(/This downloads \d+ MB \(the whole machine is \d+ MB\)/);
      expect(questions[1]).toMatch(/programs of the etcd lab and of Kubernetes, and the Kubernetes machine, for offline use \(\d+ MB more\)/);

      await cutNetwork(context, stop);
      await page.reload();
      await waitReady(page, 300_000);
      await typeLine(page, 'docker run --rm busybox echo o""k');
      await waitForText(page, /^ok$/m, 300_000);

      const step = page.locator('section.step[data-step="uts"]');
      await step.locator('button.check-button').click();
      await expect.poll(() => step.locator('.verdict').innerText(), { timeout: 120_000 }).toBe('Not done yet');
      expect(await step.locator('.check-output').innerText()).not.toMatch(/not running/);
    } finally {
      await context.close();
      await stop();
    }
  });

  it('a second visit with the server gone and the machine not kept offline says so plainly', async () => {
    const { url, stop } = await serve();
    const context = await browser.newContext();
    try {
      const page = await openReady(context, url);
      await serviceWorkerActive(page);
      await cutNetwork(context, stop);
      await page.reload();
      const status = page.locator('#status.error .state');
      await expect.poll(() => status.innerText().catch(() => ''), { timeout: 120_000 }).toMatch(/could not be loaded .*offline.*Offline button/);
      expect(await page.locator('#status.error button', { hasText: 'Retry' }).count()).toBe(1);
      expect(await page.locator('header h1').innerText()).toBe('LabBox');
    } finally {
      await context.close();
      await stop();
    }
  });
});
