/** Debian's Chromium driven by playwright-core, and helpers to read and type in the page's terminals. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { GuestManifest } from '../../src/vm/manifest';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** The guest image the built site serves (dist/guest/<version>/), and its manifest. */
export function builtGuest(): { version: string; manifest: GuestManifest } {
  const guestDir = path.resolve(import.meta.dirname, '../../dist/guest');
  const [version] = readdirSync(guestDir);
  return { version, manifest: JSON.parse(readFileSync(path.join(guestDir, version, 'manifest.json'), 'utf8')) as GuestManifest };
}

/** The guest's shell prompt (PS1 '\u@\h:\w\$ '). */
export const PROMPT = /root@labbox:\S*#/;

/** The visible text of the active terminal, as its screen-reader rows give it. */
export async function screenText(page: Page): Promise<string> {
  return page.locator('.terminal-pane:not([hidden]) .xterm-rows').innerText();
}

export async function waitForText(page: Page, pattern: RegExp, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await screenText(page);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(250);
  }
  throw new Error(`the terminal did not show ${pattern} within ${timeoutMs / 1000} s; it shows:\n${text}`);
}

/** Types a command line into the active terminal, as a person would. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.locator('.terminal-pane:not([hidden]) .xterm-helper-textarea').focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** Opens the page (in a new context when given the browser) and waits for the first prompt. */
export async function openReady(target: Browser | BrowserContext, url: string): Promise<Page> {
  const page = await target.newPage({ viewport: { width: 1100, height: 700 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await waitReady(page, 180_000);
  await waitForText(page, PROMPT);
  return page;
}

/** Waits until the guest is ready; on timeout, says what the status bar shows. */
export async function waitReady(page: Page, timeoutMs: number): Promise<void> {
  try {
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: timeoutMs });
  } catch (error) {
    const status = await page
      .locator('#status')
      .innerText()
      .catch(() => '(no status bar)');
    throw new Error(`the guest was not ready within ${timeoutMs / 1000} s; the status bar says: ${status}`, { cause: error });
  }
}
