/**
 * A guest that misbehaves, in real Chromium against the real guest: a fork bomb typed into the
 * terminal, the status bar's verdict, the restart from the last good save, Reset, and a guest
 * agent killed. The guest-side cases are in tests/guest/misbehaving.test.ts.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { PROMPT, openReady, typeLine, waitForText, waitReady } from './browser';
import { useBrowser } from './use-browser';

const browser = useBrowser();
const baseUrl = inject('baseUrl');

const status = (p: Page) => p.locator('footer#status').innerText();
const lastChangesSave = async (p: Page) =>
  JSON.parse((await p.evaluate(() => document.body.dataset.lastChangesSave ?? 'null')) as string) as { at: number } | null;

describe('a guest that misbehaves', () => {
  it('a fork bomb: the status bar says within 15 s that the machine stopped answering; the restart brings back the last good save, Reset a fresh machine', async () => {
    const context = await browser().newContext();
    try {
      const page = await openReady(context, baseUrl);
      // the page's longest main-thread task
      expect(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask'))).toBe(true);
      await page.evaluate(() => {
        const w = window as unknown as { longest: number };
        w.longest = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
        }).observe({ type: 'longtask' });
      });
      await typeLine(page, 'echo good > /root/good.txt');
      await expect.poll(() => status(page), { timeout: 300_000, interval: 250 }).toMatch(/Saved at/);
      await typeLine(page, 'echo delta > /root/delta.txt');
      await expect.poll(() => lastChangesSave(page), { timeout: 30_000, interval: 250 }).not.toBeNull();
      // saves taken in the 15 s before the guest's last answer are not trusted: wait them out
      await page.waitForTimeout(16_000);

      // from the bomb's Enter to the verdict
      await page.evaluate(() => ((window as unknown as { longest: number }).longest = 0));
      const enter = Date.now();
      await typeLine(page, ':(){ :|:& };:');
      await expect.poll(() => status(page), { timeout: 30_000, interval: 250 }).toMatch(/stopped answering/);
      const verdict = Date.now() - enter;
      const savedAfter = ((await lastChangesSave(page))?.at ?? 0) > enter;
      const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
      console.log(
        `figure: fork bomb in the page: the status bar's verdict ${(verdict / 1000).toFixed(1)} s after the Enter; a save of changes taken after the Enter: ${savedAfter ? 'yes (dropped by the restart)' : 'no'}; longest main-thread task ${longest ? `${Math.round(longest)} ms` : 'none over 50 ms'}`,
      );
      expect(verdict).toBeLessThanOrEqual(15_000);
      // the page stays responsive through the bomb and the verdict
      expect(longest).toBeLessThanOrEqual(100);
      const restart = page.locator('footer .actions button', { hasText: 'Restart from the last save' });
      expect(await restart.count()).toBe(1);
      // Reset in the header works meanwhile too (below); the restart first
      const clicked = Date.now();
      await restart.click();
      await waitReady(page, 180_000);
      await waitForText(page, PROMPT);
      console.log(`figure: fork bomb in the page: Restart from the last save to a prompt ${((Date.now() - clicked) / 1000).toFixed(1)} s`);
      await typeLine(page, 'clear; cat /root/good.txt /root/delta.txt; echo procs=$(ps -e --no-headers | wc -l)');
      const shown = await waitForText(page, /^procs=\d+/m, 60_000);
      expect(shown).toMatch(/^good\s*\ndelta\s*$/m);
      // the bomb is not in the restored machine: about 80 processes, not thousands
      expect(Number(shown.match(/^procs=(\d+)/m)![1])).toBeLessThan(200);
      await page.waitForTimeout(12_000);
      expect(await status(page)).not.toMatch(/stopped answering/);

      // the bomb again, then Reset: a fresh machine
      await typeLine(page, ':(){ :|:& };:');
      await expect.poll(() => status(page), { timeout: 30_000, interval: 250 }).toMatch(/stopped answering/);
      page.once('dialog', (d) => void d.accept());
      const reset = Date.now();
      await page.click('#reset-button');
      await waitReady(page, 180_000);
      await waitForText(page, PROMPT);
      console.log(`figure: fork bomb in the page: Reset to a fresh prompt ${((Date.now() - reset) / 1000).toFixed(1)} s`);
      await typeLine(page, 'clear; test -e /root/good.txt && echo OLD || echo FRESH');
      await waitForText(page, /^FRESH$/m, 60_000);
    } finally {
      await context.close();
    }
  });

  it("a tab closed in a fork bomb's first seconds: the machine restored from its save does not answer either, and the restart goes back to the save before the bomb", async () => {
    const context = await browser().newContext();
    try {
      const page = await openReady(context, baseUrl);
      await typeLine(page, 'echo good > /root/good.txt');
      await expect.poll(() => status(page), { timeout: 300_000, interval: 250 }).toMatch(/Saved at/);
      await typeLine(page, 'echo delta > /root/delta.txt');
      await expect.poll(() => lastChangesSave(page), { timeout: 30_000, interval: 250 }).not.toBeNull();
      await page.waitForTimeout(16_000);
      const enter = Date.now();
      await typeLine(page, ':(){ :|:& };:');
      // the bomb's first second saved (Save at once: the guest still answers its heartbeats; the
      // autosave takes such a save too when its tick comes before a heartbeat is late)
      await page.click('#save-button');
      await expect.poll(async () => ((await lastChangesSave(page))?.at ?? 0) > enter, { timeout: 10_000, interval: 100 }).toBe(true);
      await page.close({ runBeforeUnload: false });
      // the trainee comes back later: the bomb's save is older than the restart's 15-s margin
      await new Promise((resolve) => setTimeout(resolve, 20_000));

      const again = await context.newPage();
      await again.goto(baseUrl);
      await waitReady(again, 180_000);
      const ready = Date.now();
      await expect.poll(() => status(again), { timeout: 30_000, interval: 250 }).toMatch(/stopped answering/);
      console.log(`figure: the bomb's save restored in the page: verdict ${((Date.now() - ready) / 1000).toFixed(1)} s after the machine was ready`);
      await again.locator('footer .actions button', { hasText: 'Restart from the last save' }).click();
      await waitReady(again, 180_000);
      await waitForText(again, PROMPT);
      await typeLine(again, 'clear; cat /root/good.txt /root/delta.txt; echo procs=$(ps -e --no-headers | wc -l)');
      const shown = await waitForText(again, /^procs=\d+/m, 60_000);
      expect(shown).toMatch(/^good\s*\ndelta\s*$/m);
      expect(Number(shown.match(/^procs=(\d+)/m)![1])).toBeLessThan(200);
    } finally {
      await context.close();
    }
  });

  it("a fork bomb as a fresh machine's first command, saved at once: the restart starts a fresh machine and keeps that save apart, under a name that says what it is", async () => {
    const context = await browser().newContext();
    try {
      const page = await openReady(context, baseUrl);
      await typeLine(page, ':(){ :|:& };:');
      // a fresh machine's first save is a full one: the bomb's first second, as the autosave's first tick can take it
      await page.click('#save-button');
      await expect.poll(() => page.locator('footer .note').innerText(), { timeout: 120_000, interval: 250 }).toMatch(/Saved at/);
      await expect.poll(() => status(page), { timeout: 60_000, interval: 250 }).toMatch(/stopped answering/);
      await page.locator('footer .actions button', { hasText: 'Restart from the last save' }).click();
      await waitReady(page, 180_000);
      await waitForText(page, PROMPT);
      await typeLine(page, 'clear; echo procs=$(ps -e --no-headers | wc -l)');
      const shown = await waitForText(page, /^procs=\d+/m, 60_000);
      expect(Number(shown.match(/^procs=(\d+)/m)![1])).toBeLessThan(200);
      expect(await status(page)).not.toMatch(/answers again/);
      await page.click('#snapshots-button');
      await expect.poll(() => page.locator('dialog.snapshots').innerText(), { timeout: 30_000 }).toMatch(/Autosave taken while the machine stopped answering/);
      await page.click('dialog.snapshots form button');
      // the fresh machine's own first save does not replace it
      await typeLine(page, 'echo fresh > /root/fresh.txt');
      await expect.poll(() => status(page), { timeout: 300_000, interval: 250 }).toMatch(/Saved at/);
      await page.click('#snapshots-button');
      await expect.poll(() => page.locator('dialog.snapshots').innerText(), { timeout: 30_000 }).toMatch(/Autosave taken while the machine stopped answering/);
    } finally {
      await context.close();
    }
  });

  it('the guest agent killed: the terminal says its shell ended, a new tab gets a prompt, the status bar says nothing is wrong', async () => {
    const context = await browser().newContext();
    try {
      const page = await openReady(context, baseUrl);
      const enter = Date.now();
      await typeLine(page, 'pkill -9 labbox-agent');
      await waitForText(page, /the shell exited/, 30_000);
      console.log(`figure: agent killed in the page: the terminal says its shell ended ${((Date.now() - enter) / 1000).toFixed(1)} s after the Enter`);
      expect(await page.locator('button.tab.exited').count()).toBe(1);
      await page.click('button.new-tab');
      await waitForText(page, PROMPT, 60_000);
      await typeLine(page, 'echo alive-$((40 + 2))');
      await waitForText(page, /^alive-42$/m, 30_000);
      await page.waitForTimeout(10_000);
      expect(await status(page)).not.toMatch(/stopped answering/);
    } finally {
      await context.close();
    }
  });
});
