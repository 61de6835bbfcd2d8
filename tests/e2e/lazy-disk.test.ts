/**
 * The page's lazy disk (src/vm/lazy-disk.ts) in real Chromium with the real service worker:
 * the guest reading one part of its disk fetches the next four ahead, and not the fifth; once
 * the service worker controls the page, those fetches land in its cache.
 */
import { expect, inject, it } from 'vitest';
import { builtGuest, openReady, PROMPT, typeLine, waitForText, waitReady } from './browser';
import { useBrowser } from './use-browser';

const browser = useBrowser();
const baseUrl = inject('baseUrl');

it('fetches the four disk parts after the one the guest reads, through the service worker into its cache', async () => {
  const {
    version,
    manifest: { disk },
  } = builtGuest();
  const page = await openReady(browser(), baseUrl);
  // the service worker is registered after the first prompt; it controls the page after a reload
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  await waitReady(page, 180_000);
  await waitForText(page, PROMPT);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  // a part near the end of the disk, which nothing else reads; O_DIRECT: no kernel readahead
  const first = disk.chunks - 12;
  const partUrl = (i: number) => `${baseUrl}guest/${version}/disk/disk-${i * disk.chunkSize}-${(i + 1) * disk.chunkSize}.img.zst`;
  const cached = (indexes: number[]) =>
    page.evaluate((urls) => Promise.all(urls.map((u) => caches.match(u, { ignoreVary: true }).then((r) => r !== undefined))), indexes.map(partUrl));
  expect(await cached([first, first + 1, first + 5])).toEqual([false, false, false]);
  await typeLine(page, `dd if=/dev/sda of=/dev/null bs=${disk.chunkSize} skip=${first} count=1 iflag=direct && echo read-d""one`);
  await waitForText(page, /^read-done$/m, 120_000);
  await expect
    .poll(() => cached([first, first + 1, first + 2, first + 3, first + 4]), { timeout: 60_000, interval: 500 })
    .toEqual([true, true, true, true, true]);
  expect(await cached([first + 5])).toEqual([false]);
}, 600_000);
