/** Driving a cluster lab in the page: a node's shell brought to the front, scripts typed on a node, a step checked. */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { typeLine, waitForText } from './browser';

/**
 * Brings a tab of `node` to the front: node1's tabs are the page's own "shell N", the newest
 * one opened when the machine became node1 (older shells keep "labbox" in their prompt).
 */
export async function selectNode(page: Page, node: string): Promise<void> {
  const tabs = page.locator('#tabs .tab .label', { hasText: node === 'node1' ? /^shell \d+$/ : new RegExp(`^${node}: shell \\d+$`) });
  await (node === 'node1' ? tabs.last() : tabs.first()).click();
  await typeLine(page, ''); // a fresh prompt: a restored tab's saved screen may end before it
  await waitForText(page, new RegExp(`root@${node}:\\S*#\\s*$`), 60_000);
}

/** Types a script into a shell on `node` and waits until it has run. */
export async function runOn(page: Page, node: string, script: string, timeoutMs = 600_000): Promise<void> {
  await selectNode(page, node);
  await runScript(page, script, timeoutMs);
}

let marker = 0;
/** Types a script into the terminal in front and waits until it has run. */
export async function runScript(page: Page, script: string, timeoutMs = 600_000): Promise<void> {
  const done = `done-${++marker}`;
  for (const line of script.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'))) await typeLine(page, line);
  await typeLine(page, `echo ${done}`);
  await waitForText(page, new RegExp(`^${done}$`, 'm'), timeoutMs);
}

/** Waits until node2 is on the cluster bar; on a timeout, says what the status bar says. */
export async function waitForNode2(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForSelector('#cluster .cluster-node[data-node="node2"]', { timeout: timeoutMs }).catch(async (error) => {
    throw new Error(`node2 did not start; the status bar says: ${await page.locator('#status').innerText()}`, { cause: error });
  });
}

/**
 * Clicks the step's Check button, and again (up to three times, a minute apart) while it says
 * "Not done yet", as a trainee would: a node whose session with a busy manager timed out is
 * Ready again a minute later.
 */
export async function checkUntilDone(page: Page, section: Locator): Promise<void> {
  const verdict = section.locator('.verdict');
  for (let attempt = 1; ; attempt++) {
    await section.locator('button.check-button').click();
    await expect.poll(() => verdict.innerText(), { timeout: 180_000 }).toMatch(/^(Done|Not done yet)$/);
    if ((await verdict.innerText()) === 'Done' || attempt === 3) break;
    await page.waitForTimeout(60_000);
  }
  expect(await verdict.innerText()).toBe('Done');
}
