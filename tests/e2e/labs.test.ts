/** Labs in the page, in real Chromium against the real guest (issue: labs). */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Readable } from 'node:stream';
import { verifyCompletionRecord } from '../../src/labs/completion';
import { packLab } from '../../src/labs/share';
import { launch, openReady, typeLine, waitForText, waitReady } from './browser';

async function streamText(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

let browser: Browser;
let page: Page;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
  browser = await launch();
  page = await openReady(await browser.newContext({ acceptDownloads: true }), `${baseUrl}?lab=namespaces&lang=en`);
});
afterAll(async () => {
  await browser?.close();
});

describe('labs in the page', () => {
  it('runs a step in the terminal, then its check passes', async () => {
    const step = page.locator('section.step[data-step="uts"]');
    await expect.poll(() => step.count(), { timeout: 30_000 }).toBe(1);
    await step.locator('button.check-button').click();
    await expect.poll(() => step.locator('.verdict').innerText(), { timeout: 90_000 }).toBe('Not done yet');
    await step.locator('button.run-button').first().click();
    await waitForText(page, /^labbox$/m, 60_000); // the last `hostname` of the block, outside the namespace
    await step.locator('button.check-button').click();
    await expect.poll(() => step.locator('.verdict').innerText(), { timeout: 90_000 }).toBe('Done');
    expect(await step.getAttribute('class')).toContain('passed');
    expect(await page.locator('#lab .score').innerText()).toMatch(/^1 \/ 8 steps passed$/);
  });

  it('answers a quiz', async () => {
    const quiz = page.locator('section.step[data-step="quiz"]');
    await quiz.locator('label', { hasText: 'PID' }).locator('input').check();
    await quiz.locator('button', { hasText: 'Answer' }).click();
    expect(await quiz.locator('.explanation').innerText()).toMatch(/^Right\. The PID namespace/);
  });

  it('hands in a completion record as a file and a QR code', async () => {
    await page.locator('#lab .trainee').fill('Ada Lovelace');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#lab .record-button')]);
    const record = JSON.parse(await streamText(await download.createReadStream()));
    expect(record).toMatchObject({ trainee: 'Ada Lovelace', lab: { id: 'namespaces' }, score: { passed: 2, steps: 8, quizRight: 1, quizzes: 1 } });
    expect(record.steps.find((s: { id: string }) => s.id === 'uts')).toMatchObject({ passed: true });
    expect(await verifyCompletionRecord(record)).toBe(true);
    await expect.poll(() => page.locator('#lab .record-qr').getAttribute('src'), { timeout: 15_000 }).toMatch(/^data:image\/png;base64,/);
  });

  it('opens a lab packed into the link, with its Markdown made safe', async () => {
    const tricks = [
      '<script>window.hacked=1</script>',
      '[x](javascript:window.hacked=1)',
      '[d](data:text/html,<script>window.hacked=1</script>)',
      '![i](data:image/svg+xml,<svg onload="window.hacked=1"/>)',
      '<iframe src="javascript:window.hacked=1"></iframe>',
      '<svg onload="window.hacked=1"><circle r="1"/></svg>',
      '<style>*{background:url(/stolen)}</style><div style="background:url(/stolen)">x</div>',
    ].join('\n\n');
    const lab = `---\nid: shared\ntitle: Shared lab\nlang: fr\n---\n## Étape <img src=x onerror="window.hacked=1">\n${tricks}\n\`\`\`check\ntest -f /root/shared\n\`\`\`\n`;
    const other = await browser.newPage();
    await other.goto(`${baseUrl}#lab=${await packLab(lab)}`);
    await expect.poll(() => other.locator('#lab h2').innerText(), { timeout: 30_000 }).toBe('Shared lab');
    expect(await other.locator('#lab section.step').locator('img, script, iframe, svg, style, [style], a[href^="javascript"], a[href^="data"]').count()).toBe(
      0,
    );
    expect(await other.locator('#lab section.step h3').innerText()).toContain('<img src=x');
    expect(await other.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBeUndefined();
    expect(await other.locator('section.step .check-button').innerText()).toBe('Vérifier');
    await other.close();
  });

  it('writes a lab in the authoring view, previews it and shares it as a link', async () => {
    const author = await browser.newPage();
    await author.goto(`${baseUrl}?author`);
    const lab = '---\nid: written\ntitle: Written here\nlang: en\n---\n## Only step {#only}\n```check\ntrue\n```\n';
    await author.locator('#lab .lab-source').fill('---\nid: broken\n');
    await author.click('#lab [data-do=preview]');
    expect(await author.locator('#lab .lab-error').innerText()).toMatch(/This lab is not a valid lab: line 1: the front matter is never closed/);
    await author.locator('#lab .lab-source').fill(lab);
    await author.click('#lab [data-do=preview]');
    expect(await author.locator('#lab .preview h2').innerText()).toBe('Written here');
    await author.click('#lab [data-do=share]');
    // the link is packed asynchronously (CompressionStream)
    const shareLink = author.locator('#lab .share-link');
    await expect.poll(() => shareLink.inputValue(), { timeout: 15_000 }).toMatch(/#lab=[A-Za-z0-9_-]+$/);
    const link = await shareLink.inputValue();
    await author.goto(link.replace(/^[^#]*/, `${baseUrl}`));
    await expect.poll(() => author.locator('#lab h2').innerText(), { timeout: 30_000 }).toBe('Written here');
    await author.close();
  });

  it('starts a step again from its checkpoint, after saving the work done since', async () => {
    // passing "uts" made the machine a checkpoint at the start of the next step
    const next = page.locator('section.step[data-step="pid"]');
    await expect.poll(() => next.locator('.rewind-button').count(), { timeout: 300_000 }).toBe(1);
    await typeLine(page, 'touch /root/after-checkpoint');
    await waitForText(page, /touch \/root\/after-checkpoint\s*\n.*root@labbox/, 30_000);
    page.once('dialog', (dialog) => void dialog.accept());
    await next.locator('.rewind-button').click();
    await page.waitForSelector('body[data-ready="false"]', { timeout: 300_000 });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 180_000 });
    await typeLine(page, 'test -e /root/after-checkpoint && echo PRESENT || echo ABSENT');
    await waitForText(page, /^ABSENT$/m, 60_000);
    expect(await page.locator('section.step[data-step="uts"]').getAttribute('class')).toContain('passed');
    await page.click('#snapshots-button');
    await expect
      .poll(() => page.locator('dialog[open] tr').allInnerTexts(), { timeout: 30_000 })
      .toContainEqual(expect.stringMatching(/^Autosave \(automatic\)/));
  });

  it("checks a lab's preparation as it opens, says what an earlier lab left, and its clean-up clears it", async () => {
    const other = await openReady(browser, `${baseUrl}?lab=swarm-cluster&lang=en`);
    try {
      const step = other.locator('section.step[data-step="prepare"]');
      // a fresh machine meets the preconditions: the check ran by itself, nothing else did
      await expect.poll(() => step.locator('.verdict').innerText(), { timeout: 120_000 }).toBe('Done');
      // what the swarm lab and the volumes-networks lab leave on the machine
      await typeLine(
        other,
        'docker swarm init --advertise-addr eth0 >/dev/null && docker run -d --name web -p 8080:80 nginx >/dev/null && echo LEFT-$((6 * 7))',
      );
      await waitForText(other, /^LEFT-42$/m, 300_000);
      await step.locator('button.check-button').click();
      await expect.poll(() => step.locator('.verdict').innerText(), { timeout: 120_000 }).toBe('Not done yet');
      const said = await step.locator('.check-output').innerText();
      expect(said).toContain('docker swarm leave --force');
      expect(said).toContain('docker rm -f web');
      await step.locator('button.run-button').first().click();
      await typeLine(other, 'echo CLEAN-$((6 * 7))');
      await waitForText(other, /^CLEAN-42$/m, 300_000);
      await step.locator('button.check-button').click();
      await expect.poll(() => step.locator('.verdict').innerText(), { timeout: 120_000 }).toBe('Done');
      expect(await step.locator('button.fresh-button').count()).toBe(0);
      // left again; this time the lab goes on a fresh machine, and the one left behind is kept
      await typeLine(other, 'docker run -d --name web -p 8080:80 nginx >/dev/null && echo AGAIN-$((6 * 7))');
      await waitForText(other, /^AGAIN-42$/m, 300_000);
      await step.locator('button.check-button').click();
      await expect.poll(() => step.locator('.verdict').innerText(), { timeout: 120_000 }).toBe('Not done yet');
      await step.locator('button.fresh-button').click();
      await other.waitForSelector('body[data-ready="false"]', { timeout: 300_000 });
      await waitReady(other, 300_000);
      await step.locator('button.check-button').click();
      await expect.poll(() => step.locator('.verdict').innerText(), { timeout: 120_000 }).toBe('Done');
      await typeLine(other, "docker ps -a --format '{{.Names}}' | grep -cx web | sed s/^/WEB-/");
      await waitForText(other, /^WEB-0$/m, 60_000);
      await other.click('#snapshots-button');
      await expect
        .poll(() => other.locator('dialog[open] tr').allInnerTexts(), { timeout: 30_000 })
        .toContainEqual(expect.stringMatching(/^Autosave \(automatic\)/));
    } finally {
      await other.close();
    }
  });

  it('says clearly when a lab cannot be loaded', async () => {
    const other = await browser.newPage();
    await other.goto(`${baseUrl}?lab=${encodeURIComponent(`${baseUrl}no-such-lab.md`)}`);
    await expect
      .poll(
        () =>
          other
            .locator('#lab .lab-error')
            .innerText()
            .catch(() => ''),
        { timeout: 30_000 },
      )
      .toMatch(/could not be downloaded: the server answered HTTP 404|is not a valid lab/);
    await other.close();
  });
});
