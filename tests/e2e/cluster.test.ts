/**
 * A cluster in the page, in real Chromium (issue: cluster): the Swarm cluster lab starts
 * node2 in its own worker beside the page's machine, both on the page's virtual switch; each
 * step's solution typed into a terminal on its node makes the step's check pass (skipped, see
 * below); Save keeps the whole cluster and a reload brings node2 back.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadLab } from '../../src/labs/load';
import { launch, openReady, screenText, typeLine, waitForText } from './browser';

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

/**
 * Brings a tab of `node` to the front: node1's tabs are the page's own "shell N", the newest
 * one opened when the machine became node1 (older shells keep "labbox" in their prompt).
 */
async function selectNode(node: string): Promise<void> {
  const tabs = page.locator('#tabs .tab .label', { hasText: node === 'node1' ? /^shell \d+$/ : new RegExp(`^${node}: shell \\d+$`) });
  await (node === 'node1' ? tabs.last() : tabs.first()).click();
  await typeLine(page, ''); // a fresh prompt: a restored tab's saved screen may end before it
  await waitForText(page, new RegExp(`root@${node}:\\S*#\\s*$`), 60_000);
}

let marker = 0;
/** Types a script into a shell on `node` and waits until it has run. */
async function runOn(node: string, script: string, timeoutMs = 600_000): Promise<void> {
  await selectNode(node);
  const done = `done-${++marker}`;
  for (const line of script.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'))) await typeLine(page, line);
  await typeLine(page, `echo ${done}`);
  await waitForText(page, new RegExp(`^${done}$`, 'm'), timeoutMs);
}

/** What each node's dockerd said about errors, sessions and heartbeats: why a step failed. */
async function daemonLogs(): Promise<string> {
  let logs = '';
  for (const node of ['node2', 'node1']) {
    try {
      await runOn(node, "grep -iE 'level=(error|warn)|shut|heartbeat|session|down|join' /var/log/dockerd.log | tail -n 25 | cut -c1-230", 120_000);
      logs += `${node}'s /var/log/dockerd.log:\n${await screenText(page)}\n`;
    } catch {
      logs += `${node}'s shell is still busy; its screen:\n${await screenText(page)}\n`;
    }
  }
  return logs;
}

/** Waits until node2 is on the cluster bar; on a timeout, says what the status bar says. */
async function waitForNode2(timeoutMs: number): Promise<void> {
  await page.waitForSelector('#cluster .cluster-node[data-node="node2"]', { timeout: timeoutMs }).catch(async (error) => {
    throw new Error(`node2 did not start; the status bar says: ${await page.locator('#status').innerText()}`, { cause: error });
  });
}

/**
 * Clicks the step's Check button, and again (up to three times, a minute apart) while it says
 * "Not done yet", as a trainee would: a node whose session with a busy manager timed out is
 * Ready again a minute later.
 */
async function checkUntilDone(section: Locator): Promise<void> {
  const verdict = section.locator('.verdict');
  for (let attempt = 1; ; attempt++) {
    await section.locator('button.check-button').click();
    await expect.poll(() => verdict.innerText(), { timeout: 180_000 }).toMatch(/^(Done|Not done yet)$/);
    if ((await verdict.innerText()) === 'Done' || attempt === 3) break;
    await page.waitForTimeout(60_000);
  }
  expect(await verdict.innerText()).toBe('Done');
}

describe('a cluster in the page', () => {
  it('starts node2 from the lab; the two nodes reach each other by name', async () => {
    await page.locator('#lab .cluster-start button').click();
    await waitForNode2(480_000);
    await waitForText(page, /root@node2:\S*#/, 120_000); // node2's first shell opens in front
    expect(await page.locator('#cluster .cluster-memory').innerText()).toMatch(/^2 nodes · [\d.]+ of [\d.]+ GiB/);
    await typeLine(page, 'ping -c 2 -W 10 node1');
    await waitForText(page, /2 packets transmitted, 2 received/, 60_000);
  });

  // Two emulators and the browser share this machine's two cores: the lab gives Swarm a 20-s
  // heartbeat; its solution waits while node2's join is pending, for the service's tasks and
  // for node2 to be back, polling every 5 s, and runs no command twice; a check that says "not
  // done yet" is clicked again a minute later. A failure prints both daemons' logs, or a busy
  // node's screen.
  it("passes the Swarm cluster lab's checks after its solution, typed on each node", async () => {
    const lab = await loadLab(pathToFileURL(labFile).href, async (url) => readFileSync(new URL(url), 'utf8'));
    for (const step of lab.steps.filter((s) => s.check)) {
      const section = page.locator(`section.step[data-step="${step.id}"]`);
      try {
        for (const part of step.solution ?? []) await runOn(part.node, part.script);
        await checkUntilDone(section);
      } catch (error) {
        const output = await section.locator('.check-output').innerText().catch(() => '');
        console.log(await daemonLogs());
        throw new Error(`step ${step.id}: ${output}`, { cause: error });
      }
    }
  }, 2_400_000);

  it('saves the whole cluster and brings it back after a reload: node2 with its name, files and network', async () => {
    await runOn('node2', 'echo kept-on-node2 > /root/marker');
    await page.click('#save-button');
    await expect.poll(() => page.locator('#status').innerText(), { timeout: 600_000, interval: 1000 }).toMatch(/Saved at/);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 300_000 });
    await waitForNode2(600_000);
    // node2's restored shell: its prompt says node2, its file is there, node1 answers on the switch
    await selectNode('node2');
    await typeLine(page, 'cat /root/marker; ping -c 1 -W 20 node1 >/dev/null && echo pi""ng-ok');
    await waitForText(page, /^kept-on-node2$/m, 120_000);
    await waitForText(page, /^ping-ok$/m, 120_000);
  }, 1_800_000);
});
