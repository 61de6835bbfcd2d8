/**
 * The authoring view (`?author`): write or paste a lab, preview it beside the live terminal
 * (its checks run in the guest), and copy a link that carries the whole lab.
 */
import { parseLabText } from '../labs/load';
import type { ProgressStore } from '../labs/progress';
import { assertSelfContained, packLab } from '../labs/share';
import { LabPanel, type LabHost } from './lab-panel';

const TEMPLATE = `---
id: my-lab
title: My lab
lang: en
time: 10
---
What this lab is about.

## First step {#first}
Do this in the terminal:
\`\`\`sh
echo hello > /root/hello.txt
\`\`\`
\`\`\`check
grep -q hello /root/hello.txt
\`\`\`
`;

export class LabAuthor {
  constructor(
    private readonly root: HTMLElement,
    private readonly host: LabHost,
    private readonly progress: ProgressStore,
  ) {}

  show(initial = TEMPLATE): void {
    this.root.innerHTML = `<h2>Write a lab</h2>
      <textarea class="lab-source" spellcheck="false" rows="16" aria-label="Lab source (Markdown)"></textarea>
      <p class="author-actions"><button data-do="preview">Preview</button> <button data-do="share">Copy share link</button></p>
      <p class="lab-error" role="alert" hidden></p>
      <input class="share-link" readonly hidden aria-label="Share link">
      <div class="preview"></div>`;
    const source = this.root.querySelector<HTMLTextAreaElement>('.lab-source')!;
    const error = this.root.querySelector<HTMLElement>('.lab-error')!;
    const link = this.root.querySelector<HTMLInputElement>('.share-link')!;
    const preview = new LabPanel(this.root.querySelector('.preview')!, this.host, this.progress);
    source.value = initial;
    const fail = (message: string) => {
      error.textContent = message;
      error.hidden = false;
    };
    this.root.querySelector<HTMLButtonElement>('[data-do=preview]')!.onclick = async () => {
      error.hidden = true;
      try {
        await preview.showLab(parseLabText(source.value, 'This lab'), '?author');
      } catch (e) {
        fail((e as Error).message);
      }
    };
    this.root.querySelector<HTMLButtonElement>('[data-do=share]')!.onclick = async () => {
      error.hidden = true;
      try {
        const lab = parseLabText(source.value, 'This lab');
        assertSelfContained(lab);
        link.value = `${location.origin}${location.pathname}#lab=${await packLab(source.value)}`;
        link.hidden = false;
        link.select();
        await navigator.clipboard?.writeText(link.value).catch(() => {});
      } catch (e) {
        fail((e as Error).message);
      }
    };
  }
}
