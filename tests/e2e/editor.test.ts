/**
 * The editor pane (issue 38): a guest file opened from the terminal with labbox-edit (the OSC
 * sequence it prints), edited in CodeMirror, saved through the agent: the guest's file holds
 * the text (SHA-256 in the guest); a change made in the guest meanwhile is said, not
 * overwritten, until the trainee chooses to.
 */
import { createHash } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { openReady, screenText, typeLine, waitForText } from './browser';
import { useBrowser } from './use-browser';
import { installGuestCommand } from './guest-commands';

const browser = useBrowser();

/** What `labbox-edit FILE` prints (images/guest/rootfs/usr/local/bin/labbox-edit), without its checks. */
const editSequence = (path: string) => `printf '\\033]7711;edit;%s\\007' $(printf %s ${path} | base64 -w0)`;

describe('editor', () => {
  it('opens a guest file from the terminal, saves an edit into it, and says when the guest changed it meanwhile', async () => {
    const page = await openReady(browser(), `${inject('baseUrl')}?lang=en`);
    await installGuestCommand(page, 'labbox-edit');
    await typeLine(page, "clear; printf 'FROM nginx:1.26\\n' > /root/Dockerfile; cd /root && labbox-edit Dockerfile");
    const editor = page.locator('#editor[data-path="/root/Dockerfile"]');
    await editor.waitFor({ timeout: 60_000 });
    const content = editor.locator('.cm-content');
    await expect.poll(() => content.innerText(), { timeout: 30_000 }).toMatch(/^FROM nginx:1\.26\n*$/);

    await content.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('COPY index.html /usr/share/nginx/html/\nEXPOSE 80\n');
    await page.keyboard.press('Control+s');
    await expect.poll(() => editor.locator('.editor-message').innerText(), { timeout: 60_000 }).toMatch(/^Saved at/);
    const expected = 'FROM nginx:1.26\nCOPY index.html /usr/share/nginx/html/\nEXPOSE 80\n';
    const sha = createHash('sha256').update(expected).digest('hex');
    // (the terminal is narrow beside the editor: the digest's first 12 digits fit on a line)
    await typeLine(page, 'clear; sha256sum < /root/Dockerfile | cut -c1-12; grep -c EXPOSE /root/Dockerfile; stat -c %a /root/Dockerfile');
    const shown = await waitForText(page, /^644$/m, 60_000);
    expect(shown).toMatch(new RegExp(`^${sha.slice(0, 12)}\n1\n644$`, 'm'));

    // the guest changes the file: the next save says so and keeps the guest's change
    await typeLine(page, "clear; echo '# changed in the guest' >> /root/Dockerfile; echo appended");
    await waitForText(page, /^appended$/m);
    await content.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# from the editor\n');
    await editor.locator('.editor-save').click();
    await expect.poll(() => editor.locator('.editor-message').innerText(), { timeout: 60_000 }).toMatch(/changed in the machine since it was opened/);
    await typeLine(page, 'clear; grep -c "changed in the guest" /root/Dockerfile; grep -c "from the editor" /root/Dockerfile');
    expect(await waitForText(page, /^1\n0$/m, 60_000)).toBeTruthy();
    // overwritten on purpose: the editor's text wins
    await editor.locator('.editor-overwrite').click();
    await expect.poll(() => editor.locator('.editor-message').innerText(), { timeout: 60_000 }).toMatch(/^Saved at/);
    await typeLine(page, 'clear; grep -c "changed in the guest" /root/Dockerfile; grep -c "from the editor" /root/Dockerfile');
    await waitForText(page, /^0\n1$/m, 60_000);

    // a folder is refused with a message
    await typeLine(page, `clear; ${editSequence('/etc')}`);
    await expect.poll(() => page.locator('#editor .editor-message').innerText(), { timeout: 60_000 }).toMatch(/\/etc is a folder/);
    expect(await screenText(page)).not.toContain('7711');
    // the command itself refuses a folder, in the terminal (the pane closed: the terminal is wide again)
    await page.locator('#editor .editor-close').click();
    expect(await page.locator('#editor').isHidden()).toBe(true);
    await typeLine(page, 'clear; labbox-edit /etc; echo rc-$?');
    await waitForText(page, /labbox-edit: \/etc is a folder\nrc-1$/m, 60_000);
    await page.close();
  });
});
