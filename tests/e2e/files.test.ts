/**
 * Files in and out (issue 38): files dropped on the page arrive in /root/uploads/ byte for
 * byte (SHA-256 in the guest), in pieces through the agent; labbox-download of a folder gives
 * the browser a tar with the same files.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { openReady, typeLine, waitForText } from './browser';
import { useBrowser } from './use-browser';
import { installGuestCommand } from './guest-commands';
import { MAX_UPLOAD_BYTES } from '../../src/files/transfer';

const browser = useBrowser();

/** The dropped file's bytes: 300 000 of them, several pieces of the upload. */
const SIZE = 300_000;
const byteAt = (i: number) => (i * 31 + (i >> 8)) & 255;

describe('files in and out', () => {
  it('a dropped file lands in /root/uploads/ byte for byte; a folder comes back as a tar', async () => {
    const page = await openReady(browser(), `${inject('baseUrl')}?lang=en`);
    // more than the limit at once: refused with a message, before anything moves
    await page.evaluate((size) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(size)], 'too-big.bin'));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, MAX_UPLOAD_BYTES + 1);
    await expect.poll(() => page.locator('#status').innerText(), { timeout: 30_000 }).toMatch(/Not uploaded: more than 64 MB at once/);

    await page.evaluate(
      ({ size, formula }) => {
        const byteAt = new Function('i', `return ${formula}`) as (i: number) => number;
        const data = Uint8Array.from({ length: size }, (_, i) => byteAt(i));
        const dt = new DataTransfer();
        dt.items.add(new File([data], 'data.bin'));
        dt.items.add(new File(['hello from the browser\n'], 'hello.txt'));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { size: SIZE, formula: '(i * 31 + (i >> 8)) & 255' },
    );
    await expect.poll(() => page.locator('#status').innerText(), { timeout: 120_000 }).toMatch(/2 files in \/root\/uploads\//);
    const expected = createHash('sha256')
      .update(Uint8Array.from({ length: SIZE }, (_, i) => byteAt(i)))
      .digest('hex');
    await typeLine(
      page,
      'clear; sha256sum < /root/uploads/data.bin | cut -c1-12; cat /root/uploads/hello.txt; ls -a /root/uploads | grep -c -e labbox-part -e too-big',
    );
    const shown = await waitForText(page, /^hello from the browser\n0$/m, 60_000);
    expect(shown).toMatch(new RegExp(`^${expected.slice(0, 12)}\n`, 'm'));

    // labbox-download of a folder
    await installGuestCommand(page, 'labbox-download');
    await typeLine(
      page,
      "clear; mkdir -p /root/site/css && echo '<h1>site</h1>' > /root/site/index.html && echo 'h1{}' > /root/site/css/a.css && cd /root && labbox-download site",
    );
    const downloaded = await page.waitForEvent('download', { timeout: 120_000 });
    expect(downloaded.suggestedFilename()).toBe('site.tar');
    const dir = mkdtempSync(path.join(tmpdir(), 'labbox-download-'));
    const tar = path.join(dir, 'site.tar');
    await downloaded.saveAs(tar);
    execFileSync('tar', ['-xf', tar, '-C', dir]);
    expect(readFileSync(path.join(dir, 'site/index.html'), 'utf8')).toBe('<h1>site</h1>\n');
    expect(readFileSync(path.join(dir, 'site/css/a.css'), 'utf8')).toBe('h1{}\n');

    // and a file, as it is
    await typeLine(page, 'clear; labbox-download /root/uploads/data.bin');
    const file = await page.waitForEvent('download', { timeout: 120_000 });
    expect(file.suggestedFilename()).toBe('data.bin');
    await file.saveAs(path.join(dir, 'data.bin'));
    expect(
      createHash('sha256')
        .update(readFileSync(path.join(dir, 'data.bin')))
        .digest('hex'),
    ).toBe(expected);
    await page.close();
  });
});
