/** The page in real Chromium against the real guest (issue: the page). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withJitThreshold } from '../../src/vm/jit-threshold';
import { DEFAULT_JIT } from '../../src/vm/options';
import { PROMPT, launch, openReady, typeLine, waitForText } from './browser';

let browser: Browser;
let page: Page;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
  browser = await launch();
  page = await openReady(browser, baseUrl);
});
afterAll(async () => {
  await browser?.close();
});

describe('the page', () => {
  it("goes on with the guest's warm-up while the trainee types, and stops it when a command runs", async () => {
    const warmUp = new Promise<string>((resolve) => page.on('console', (m) => m.text().startsWith('The warm-up') && resolve(m.text())));
    await page.locator('.terminal-pane:not([hidden]) .xterm-helper-textarea').focus();
    await page.keyboard.type('echo typing');
    await page.waitForTimeout(10_000);
    await typeLine(page, ' done');
    await waitForText(page, /^typing done$/m);
    const [, steps] = (await warmUp).match(/: (\d+) of/)!;
    // a warm-up stopped by the first keystroke would have run none
    expect(Number(steps)).toBeGreaterThan(0);
  });

  it('shows a prompt and runs docker in the first terminal', async () => {
    await typeLine(page, 'docker run --rm busybox echo hello-from-docker');
    const text = await waitForText(page, /^hello-from-docker$/m, 300_000);
    expect(text).toMatch(/^hello-from-docker$/m);
  });

  it('gives each tab its own shell; closing one leaves the others running', async () => {
    await typeLine(page, 'clear; sleep 300 & echo "first=$$"');
    const first = (await waitForText(page, /first=\d+/)).match(/first=(\d+)/)![1];
    await page.click('button.new-tab');
    await waitForText(page, PROMPT);
    await typeLine(page, `echo "second=$$"; ps -eo pid,args | grep -c "[s]leep 300"`);
    const text = await waitForText(page, /second=\d+\s+1\s/m);
    expect(text.match(/second=(\d+)/)![1]).not.toBe(first);
    // a third tab, closed: the first shell and its sleep survive
    await page.click('button.new-tab');
    await waitForText(page, PROMPT);
    await page.locator('button.tab.active .close').click();
    await typeLine(page, `clear; kill -0 ${first} && echo "alive=${first}"`);
    await waitForText(page, new RegExp(`alive=${first}`));
    expect(await page.locator('button.tab').count()).toBe(2);
  });

  it('resizes the guest terminal with the page', async () => {
    const size = async (tag: string) => {
      await typeLine(page, `clear; echo "${tag}=$(stty size)"`);
      const m = (await waitForText(page, new RegExp(`^${tag}=(\\d+) (\\d+)$`, 'm'))).match(new RegExp(`^${tag}=(\\d+) (\\d+)$`, 'm'))!;
      return { rows: Number(m[1]), cols: Number(m[2]) };
    };
    const before = await size('before');
    await page.setViewportSize({ width: 700, height: 450 });
    await page.waitForTimeout(500);
    const after = await size('after');
    expect(after.cols).toBeLessThan(before.cols);
    expect(after.rows).toBeLessThan(before.rows);
  });

  it('says clearly when the guest image cannot be loaded', async () => {
    const broken = await browser.newPage();
    await broken.goto(`${baseUrl}?image=/no-such-image/`);
    const status = broken.locator('footer#status');
    await expect.poll(() => status.getAttribute('data-phase'), { timeout: 30_000 }).toBe('error');
    expect(await status.innerText()).toMatch(/could not be loaded/i);
    expect(await broken.locator('footer .actions button', { hasText: 'Retry' }).isVisible()).toBe(true);
    await broken.close();
  });

  it("serves v86's WebAssembly with LabBox's JIT threshold", async () => {
    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    for (const file of ['v86.wasm', 'v86-fallback.wasm']) {
      const served = await page.evaluate(async (url) => {
        const digest = await crypto.subtle.digest('SHA-256', await (await fetch(url)).arrayBuffer());
        return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
      }, `v86/${file}`);
      const installed = readFileSync(createRequire(import.meta.url).resolve(`v86/build/${file}`));
      expect(served).toBe(sha256(withJitThreshold(installed, DEFAULT_JIT.threshold)));
    }
  });
});
