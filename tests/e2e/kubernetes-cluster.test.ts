/**
 * Kubernetes on two machines in the page, in real Chromium against the real guests: the
 * `kubernetes-cluster` lab opens the Kubernetes machine, starts node2 beside it in its own
 * worker, and the join step's solution typed on each node makes node2 a worker node of node1's
 * cluster: the step's check passes and `kubectl get nodes` on node1 lists node2 Ready.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { loadLab } from '../../src/labs/load';
import { openReady, typeLine, waitForText, waitReady } from './browser';
import { checkUntilDone, runOn, waitForNode2 } from './cluster-page';
import { useBrowser } from './use-browser';

const browser = useBrowser();
const baseUrl = inject('baseUrl');
const labFile = path.resolve(import.meta.dirname, '../../public/labs/kubernetes-cluster/en.md');

describe('Kubernetes on two machines', () => {
  it('opens the Kubernetes machine, starts node2, and joins it as a worker node', async () => {
    const lab = await loadLab(pathToFileURL(labFile).href, async (url) => readFileSync(new URL(url), 'utf8'));
    const page = await openReady(browser(), `${baseUrl}?lab=kubernetes-cluster&lang=en`);
    await page.locator('#lab .machine-start button').click();
    await page.waitForSelector('body[data-ready="false"]', { state: 'attached', timeout: 60_000 });
    await waitReady(page, 300_000);
    const started = Date.now();
    await page.locator('#lab .cluster-start button').click();
    await waitForNode2(page, 480_000);
    console.log(`node2 started beside the Kubernetes machine in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const join = lab.steps.find((s) => s.id === 'join')!;
    const joinStarted = Date.now();
    for (const part of join.solution ?? []) await runOn(page, part.node, part.script, 900_000);
    console.log(`the join step's solution ran in ${((Date.now() - joinStarted) / 1000).toFixed(0)} s`);
    await checkUntilDone(page, page.locator('section.step[data-step="join"]'));
    await typeLine(page, 'kubectl get nodes --no-headers | awk \'{print "node-" $1 "-" $2}\'');
    await waitForText(page, /^node-node2-Ready$/m, 120_000);
    await waitForText(page, /^node-labbox-Ready$/m, 120_000);
    expect(await page.locator('#cluster .cluster-node').count()).toBe(2);
  }, 1_800_000);
});
