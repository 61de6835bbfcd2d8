/** The inspector in real Chromium against the real guest (issue: see inside). */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, openReady, typeLine, waitForText } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('inspector', () => {
  it('shows a container started with docker run -d, its namespaces, cgroup and network', async () => {
    const page = await openReady(browser, `${inject('baseUrl')}?lang=en`);
    await typeLine(page, 'docker run -d --name seen --memory 64m busybox sleep 600 >/dev/null; echo started-$?');
    await waitForText(page, /^started-0$/m, 300_000);
    await page.click('#inspect-button');
    const chip = page.locator('#inspector .container-chip', { hasText: 'seen' });
    await expect.poll(() => chip.count(), { timeout: 120_000 }).toBe(1);
    // namespaces view: rows owned by the container
    await chip.click();
    await expect.poll(() => page.locator('#inspector tr.selected[data-container="seen"]').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    await page.click('#inspector nav button[data-view="cgroups"]');
    expect(await page.locator('#inspector tr[data-container="seen"]').innerText()).toMatch(/64 MB/);
    await page.click('#inspector nav button[data-view="network"]');
    expect(await page.locator('#inspector .net-bridge', { hasText: 'docker0' }).locator('.net-container[data-container="seen"]').innerText()).toMatch(
      /172\.17\./,
    );
    // closed, it stops asking the guest
    await page.click('#inspect-button');
    expect(await page.locator('#inspector').isHidden()).toBe(true);
    await page.close();
  });
});
