/**
 * Work a trainee does not lose in ordinary use, in real Chromium against the real guest: keys
 * typed before the machine is ready, a second tab of the site, a tab closed with unsaved work,
 * the whole browser killed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS, PROMPT, openReady, typeLine, waitForText, waitReady } from './browser';
import { useBrowser } from './use-browser';

const browser = useBrowser();
const baseUrl = inject('baseUrl');

const status = (p: Page) => p.locator('footer#status').innerText();

/** Chromium on a profile of its own on disk, as a trainee's browser keeps its storage. */
const launchOnProfile = (profile: string) =>
  chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

/** Kills every process of the browser started on `profile` at once (SIGKILL), as a crash or a dead battery stops it. */
function killBrowser(profile: string): number {
  let killed = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(profile)) continue;
      process.kill(Number(name), 'SIGKILL');
      killed++;
    } catch {
      // a process that ended meanwhile
    }
  }
  return killed;
}

describe('keeping work', () => {
  it('runs a line typed into the terminal before the machine is ready, once it is', async () => {
    const page = await browser().newPage({ viewport: { width: 1100, height: 700 } });
    try {
      await page.goto(baseUrl);
      const input = page.locator('.terminal-pane .xterm-helper-textarea').first();
      await input.waitFor({ state: 'attached', timeout: 60_000 });
      expect(await page.locator('body[data-ready="true"]').count()).toBe(0);
      await input.focus();
      await page.keyboard.type('echo "early=$((6 * 7))"');
      await page.keyboard.press('Enter');
      const readyWhenTyped = await page.locator('body[data-ready="true"]').count();
      await waitReady(page, 180_000);
      await waitForText(page, /^early=42$/m, 60_000);
      // typed while the machine was still restoring, so the test shows what it claims
      expect(readyWhenTyped).toBe(0);
    } finally {
      await page.close();
    }
  });

  describe('two tabs of the site', () => {
    let context: BrowserContext;
    let first: Page;
    let second: Page;

    beforeAll(async () => {
      context = await browser().newContext();
      first = await openReady(context, baseUrl);
    });
    afterAll(async () => {
      await context?.close();
    });

    it('the second says the machine is open in the first and offers to move it', async () => {
      await typeLine(first, 'echo from-the-first-tab > /root/tab.txt; sync; echo written');
      await waitForText(first, /^written$/m);
      second = await context.newPage();
      await second.goto(baseUrl);
      await expect.poll(() => status(second), { timeout: 30_000 }).toMatch(/open in another tab/);
      expect(await second.locator('body[data-ready="true"]').count()).toBe(0);
      // the first tab keeps running meanwhile
      await typeLine(first, 'echo still-here');
      await waitForText(first, /^still-here$/m);
    });

    it('moves it: the first saves, stops and says so; the second runs it with the work done in the first', async () => {
      await second.locator('footer .actions button', { hasText: 'Move it here' }).click();
      await expect.poll(() => status(first), { timeout: 180_000 }).toMatch(/moved to another tab/);
      expect(await first.locator('body[data-ready="true"]').count()).toBe(0);
      await waitReady(second, 180_000);
      await waitForText(second, PROMPT);
      await typeLine(second, 'clear; cat /root/tab.txt');
      await waitForText(second, /^from-the-first-tab$/m);
      // the first tab now offers to take it back, as the second did
      expect(await first.locator('footer .actions button', { hasText: 'Move it here' }).count()).toBe(1);
    });

    it("opens a separate fresh machine on request, which never takes the other tab's", async () => {
      const third = await context.newPage();
      await third.goto(baseUrl);
      await third.locator('footer .actions button', { hasText: 'Open a separate machine' }).click({ timeout: 30_000 });
      await waitReady(third, 180_000);
      expect(new URL(third.url()).searchParams.has('separate')).toBe(true);
      await waitForText(third, PROMPT);
      await typeLine(third, 'clear; test -e /root/tab.txt && echo PRESENT || echo ABSENT');
      await waitForText(third, /^ABSENT$/m);
      expect(await status(third)).toMatch(/not saved by itself/);
      await third.close();
      // the second tab still holds the machine: a new tab is offered to move it, not given it
      const fourth = await context.newPage();
      await fourth.goto(baseUrl);
      await expect.poll(() => status(fourth), { timeout: 30_000 }).toMatch(/open in another tab/);
      await fourth.close();
    });
  });

  it('keeps what was done 10 s before the tab closed, without any question or handler run, and goes on saving after the restore', async () => {
    const context = await browser().newContext();
    try {
      const page = await openReady(context, baseUrl);
      const typedFirst = Date.now();
      await typeLine(page, 'echo first > /root/first.txt');
      // a fresh machine's first save is a full one; the later ones save what changed
      await expect.poll(() => status(page), { timeout: 300_000, interval: 250 }).toMatch(/Saved at/);
      console.log(`the first (full) save done ${Date.now() - typedFirst} ms after the first command`);
      await typeLine(page, 'echo kept > /root/notes.txt');
      await waitForText(page, /notes\.txt\s*\n.*root@labbox/, 30_000);
      const typedAt = Date.now();
      const lastSave = () => page.evaluate(() => document.body.dataset.lastChangesSave ?? null);
      await expect.poll(lastSave, { timeout: 10_000, interval: 250 }).toMatch(/"at":/);
      const saved = JSON.parse((await lastSave())!) as { at: number; storedBytes: number; totalMs: number; changedPages: number };
      console.log(
        `a save of changes ${saved.at - typedAt} ms after the command: ${saved.totalMs} ms, ${(saved.storedBytes / 2 ** 20).toFixed(2)} MiB, ${saved.changedPages} pages`,
      );
      await page.waitForTimeout(Math.max(0, typedAt + 10_000 - Date.now()));
      await page.close({ runBeforeUnload: false });

      const again = await openReady(context, baseUrl);
      await typeLine(again, 'clear; cat /root/first.txt /root/notes.txt');
      await waitForText(again, /^first\s*\nkept$/m);
      // the restored autosave goes on as deltas
      await typeLine(again, 'echo after-restore > /root/later.txt');
      await expect.poll(() => again.evaluate(() => document.body.dataset.lastChangesSave ?? null), { timeout: 30_000 }).toMatch(/"at":/);
      await again.close({ runBeforeUnload: false });
      const third = await openReady(context, baseUrl);
      await typeLine(third, 'clear; cat /root/later.txt');
      await waitForText(third, /^after-restore$/m);
    } finally {
      await context.close();
    }
  });

  it('keeps what was done 10 s before the whole browser was killed', async () => {
    const profile = mkdtempSync(path.join(os.tmpdir(), 'labbox-profile-'));
    let context = await launchOnProfile(profile);
    try {
      const page = await openReady(context, baseUrl);
      await typeLine(page, 'echo first > /root/first.txt');
      await expect.poll(() => status(page), { timeout: 300_000, interval: 250 }).toMatch(/Saved at/);
      await typeLine(page, 'echo kept-after-kill > /root/killed.txt');
      await waitForText(page, /killed\.txt\s*\n.*root@labbox/, 30_000);
      await page.waitForTimeout(10_000);
      expect(killBrowser(profile)).toBeGreaterThan(0);
      await context.close().catch(() => undefined);

      context = await launchOnProfile(profile);
      const again = await openReady(context, baseUrl);
      await typeLine(again, 'clear; cat /root/first.txt /root/killed.txt');
      await waitForText(again, /^first\s*\nkept-after-kill$/m);
    } finally {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it("asks the browser's Leave site? question while work is unsaved, and not once it is saved", async () => {
    const context = await browser().newContext();
    try {
      const page = await openReady(context, baseUrl);
      await typeLine(page, 'echo unsaved-work > /root/unsaved.txt');
      const asked = new Promise<string>((resolve) => page.once('dialog', (d) => (resolve(d.type()), void d.dismiss())));
      await page.close({ runBeforeUnload: true });
      expect(await asked).toBe('beforeunload');
      expect(page.isClosed()).toBe(false);

      await page.click('#save-button');
      await expect.poll(() => status(page), { timeout: 180_000 }).toMatch(/Saved at/);
      let askedAgain = false;
      page.on('dialog', (d) => ((askedAgain = true), void d.accept()));
      await page.close({ runBeforeUnload: true });
      await expect.poll(() => page.isClosed(), { timeout: 30_000 }).toBe(true);
      expect(askedAgain).toBe(false);
    } finally {
      await context.close();
    }
  });
});
