/** Saved machines in real Chromium's IndexedDB, against the real guest (issue: persistence). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROMPT, launch, openReady, typeLine, waitForText } from './browser';

let browser: Browser;
let context: BrowserContext;
let page: Page;
const baseUrl = inject('baseUrl');
const downloads = mkdtempSync(path.join(tmpdir(), 'labbox-export-'));

beforeAll(async () => {
  browser = await launch();
  context = await browser.newContext({ acceptDownloads: true });
  page = await openReady(context, baseUrl);
});
afterAll(async () => {
  await browser?.close();
});

/** Runs a command line and waits for its marker line. */
async function run(p: Page, line: string, marker: RegExp, timeoutMs = 300_000): Promise<string> {
  await typeLine(p, `clear; ${line}`);
  return waitForText(p, marker, timeoutMs);
}

async function saveAs(p: Page, name: string): Promise<void> {
  p.once('dialog', (d) => void d.accept(name));
  await p.click('#snapshots-button');
  await p.click('dialog.snapshots [data-do=save-as]');
  await expect.poll(() => p.locator('dialog.snapshots .message').innerText(), { timeout: 120_000 }).toMatch(new RegExp(`Saved "${name}"`));
  await p.click('dialog.snapshots form button');
}

/** Flips a byte in the newest snapshot's first stored piece, as a disk fault would. */
async function damageNewestSnapshot(p: Page): Promise<string> {
  return p.evaluate(async () => {
    const request = <T>(r: IDBRequest<T>) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
    const db = await request(indexedDB.open('labbox'));
    const store = db.transaction('snapshots', 'readwrite').objectStore('snapshots');
    const index = await request(store.get('index'));
    const newest = [...index.snapshots].sort((a: { createdAt: string }, b: { createdAt: string }) => b.createdAt.localeCompare(a.createdAt))[0];
    const piece = await request(store.get(['piece', newest.id, 0]));
    piece[Math.floor(piece.length / 2)] ^= 0xff;
    await request(store.put(piece, ['piece', newest.id, 0]));
    db.close();
    return newest.name as string;
  });
}

describe('saved machines', () => {
  it('keeps files and a running container across a reload', async () => {
    await run(page, 'echo kept-$((6*7)) > /root/note.txt && docker run -d --name keeper busybox sleep 3600 >/dev/null && echo started-ok', /^started-ok$/m);
    await page.click('#save-button');
    await expect.poll(() => page.locator('footer .note').innerText(), { timeout: 120_000 }).toMatch(/Saved at/);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 180_000 });
    expect(await page.locator('footer .note').innerText()).toMatch(/Restored "Autosave"/);
    // the restored tab shows the screen it had, on the same shell
    await waitForText(page, /started-ok/);
    const text = await run(page, 'cat /root/note.txt; docker ps --format "name={{.Names}}"', /^name=keeper$/m);
    expect(text).toMatch(/^kept-42$/m);
  });

  it('exports a snapshot and imports it into a fresh browser profile', async () => {
    await saveAs(page, 'hand-in');
    await page.click('#snapshots-button');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('dialog.snapshots tr', { hasText: 'hand-in' }).locator('button', { hasText: 'Export' }).click(),
    ]);
    const file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^labbox-hand-in-\d{4}-\d\d-\d\d\.labbox$/);
    await page.click('dialog.snapshots form button');

    const other = await openReady(browser, baseUrl); // a new context: empty IndexedDB
    await other.click('#snapshots-button');
    await other.setInputFiles('dialog.snapshots input[type=file]', file);
    await expect.poll(() => other.locator('dialog.snapshots .message').innerText(), { timeout: 60_000 }).toMatch(/Imported "hand-in"/);
    await other.locator('dialog.snapshots tr', { hasText: 'hand-in' }).locator('button', { hasText: 'Restore' }).click();
    await other.waitForSelector('body[data-ready="true"]', { timeout: 180_000 });
    await waitForText(other, PROMPT);
    const text = await run(other, 'cat /root/note.txt; docker ps --format "name={{.Names}}"', /^name=keeper$/m);
    expect(text).toMatch(/^kept-42$/m);
    await other.close();
  });

  it('reports a damaged snapshot and still restores the previous one', async () => {
    await run(page, 'echo second > /root/second.txt && echo wrote-ok', /^wrote-ok$/m);
    await saveAs(page, 'newest');
    expect(await damageNewestSnapshot(page)).toBe('newest');
    await page.reload();
    const status = page.locator('footer#status');
    await expect.poll(() => status.getAttribute('data-phase'), { timeout: 120_000 }).toBe('error');
    expect(await status.innerText()).toMatch(/Snapshot "newest" is damaged \(part 1 of \d+ does not match its checksum\)/);
    await page.locator('footer .actions button', { hasText: 'Choose another snapshot' }).click();
    await page.locator('dialog.snapshots tr', { hasText: 'hand-in' }).locator('button', { hasText: 'Restore' }).click();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 180_000 });
    // the restored tab shows the screen as it was saved, which may end before the prompt was
    // drawn: an empty line asks the live shell for a fresh one
    await typeLine(page, '');
    await waitForText(page, PROMPT);
    const text = await run(page, 'cat /root/note.txt; ls /root/second.txt 2>&1 | grep -c "No such"', /^kept-42\s+1$/m);
    expect(text).toMatch(/kept-42/);
    // the damaged one is still listed, untouched, for the trainee to delete
    await page.click('#snapshots-button');
    expect(await page.locator('dialog.snapshots tr', { hasText: 'newest' }).count()).toBe(1);
    await page.click('dialog.snapshots form button');
  });

  it('keeps the previous snapshot when the browser has no room for a new one', async () => {
    const cdp = await context.newCDPSession(page);
    const origin = new URL(baseUrl).origin;
    const { usage } = await page.evaluate(() => navigator.storage.estimate());
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: (usage ?? 0) + 1024 * 1024 });
    await run(page, 'echo third > /root/third.txt && echo wrote-ok', /^wrote-ok$/m);
    await page.click('#save-button');
    // an autosave that began before the quota was lowered may land first (Save then returns
    // it): save again until the save tried under the low quota answers
    await expect
      .poll(
        async () => {
          const note = await page.locator('footer .note').innerText();
          if (/Saved at/.test(note)) await page.click('#save-button');
          return note;
        },
        { timeout: 240_000, interval: 2000 },
      )
      .toMatch(/Not saved: The browser has no room left/);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await page.click('#snapshots-button');
    const names = await page.locator('dialog.snapshots tbody tr td:first-child').allInnerTexts();
    expect(names).toEqual(expect.arrayContaining(['newest', 'hand-in', 'Autosave (automatic)']));
    expect(names).toHaveLength(3);
    await page.click('dialog.snapshots form button');
  });
});
