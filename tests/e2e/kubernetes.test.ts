/**
 * The Kubernetes lab in the page, in real Chromium against the real guest: `?lab=kubernetes`
 * offers the Kubernetes machine, which opens on a Ready node; a Deployment typed into the
 * terminal gets its pods Running, and the lab's first check passes. The page warms kubectl up
 * (src/vm/warm-up.ts) before the trainee types.
 */
import { describe, expect, inject, it } from 'vitest';
import { KUBERNETES_WARM_UP } from '../../src/vm/warm-up';
import { openReady, typeLine, waitForText, waitReady } from './browser';
import { useBrowser } from './use-browser';

const browser = useBrowser();
const baseUrl = inject('baseUrl');

describe('the Kubernetes lab', () => {
  it('opens the Kubernetes machine, runs a Deployment typed in the terminal, and checks a step', async () => {
    const page = await openReady(browser(), `${baseUrl}?lab=kubernetes&lang=en`);
    const open = page.locator('#lab .machine-start button');
    await expect.poll(() => open.count(), { timeout: 60_000 }).toBe(1);
    const warmedUp = new Promise<string>((resolve) =>
      page.on('console', (m) => m.text().startsWith('The warm-up') && m.text().includes(` of ${KUBERNETES_WARM_UP.length} steps`) && resolve(m.text())),
    );
    const started = Date.now();
    await open.click();
    await page.waitForSelector('body[data-ready="false"]', { state: 'attached', timeout: 60_000 });
    await waitReady(page, 300_000);
    const openSeconds = (Date.now() - started) / 1000;
    // the machine it opened is the one the lab wants: no offer any more
    await expect.poll(() => page.locator('#lab .machine-start').count(), { timeout: 60_000 }).toBe(0);
    // Kubernetes' warm-up, run to its end while nothing is typed
    expect(await warmedUp).toBe(`The warm-up: ${KUBERNETES_WARM_UP.length} of ${KUBERNETES_WARM_UP.length} steps`);
    await typeLine(page, 'kubectl get nodes');
    await waitForText(page, /^labbox\s+Ready\s/m, 120_000);
    await typeLine(page, 'kubectl create deployment web --image=nginx:1.26 --replicas=2');
    await waitForText(page, /deployment\.apps\/web created/, 120_000);
    // Running pods, counted by the guest itself, printed once both are (the marker the shell
    // prints is not the text typed, which may wrap anywhere on the screen)
    await typeLine(
      page,
      'until [ "$(kubectl get pods -l app=web --field-selector=status.phase=Running -o name | wc -l)" = 2 ]; do sleep 2; done; echo web-pods-$((1 + 1))-running',
    );
    await waitForText(page, /web-pods-2-running/, 240_000);
    console.log(`Kubernetes machine opened in ${openSeconds.toFixed(1)} s (click to ready)`);

    const step = page.locator('section.step[data-step="architecture"]');
    await step.locator('button.check-button').click();
    await expect.poll(() => step.locator('.verdict').innerText(), { timeout: 90_000 }).toBe('Not done yet');
    await step.locator('button.run-button').last().click();
    // the list scrolls past the screen: a line typed meanwhile says when it is written
    await typeLine(page, 'grep -c . /root/k8s-lab/registry.txt && echo registry-$((1 + 1))-listed');
    await waitForText(page, /registry-2-listed/, 120_000);
    await step.locator('button.check-button').click();
    await expect.poll(() => step.locator('.verdict').innerText(), { timeout: 90_000 }).toBe('Done');
  });
});
