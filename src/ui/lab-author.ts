/**
 * The authoring view (`?author`): write or paste a lab, preview it beside the live terminal
 * (its checks run in the guest), and copy a link that carries the whole lab.
 */
import { parseLabText } from '../labs/load';
import type { ProgressStore } from '../labs/progress';
import { assertSelfContained, packLab } from '../labs/share';
import { LabPanel, type LabHost } from './lab-panel';
import { errorText } from '../i18n';
import { t } from '../i18n/page';

export class LabAuthor {
  constructor(
    private readonly root: HTMLElement,
    private readonly host: LabHost,
    private readonly progress: ProgressStore,
  ) {}

  show(initial = t.author.template): void {
    const w = t.author;
    this.root.innerHTML = `<h2>${w.title}</h2>
      <textarea class="lab-source" spellcheck="false" rows="16" aria-label="${w.source}"></textarea>
      <p class="author-actions"><button data-do="preview">${w.preview}</button> <button data-do="share">${w.share}</button></p>
      <p class="lab-error" role="alert" hidden></p>
      <input class="share-link" readonly hidden aria-label="${w.link}">
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
        await preview.showLab(parseLabText(source.value, w.thisLab), '?author');
      } catch (e) {
        fail(errorText(e, t));
      }
    };
    this.root.querySelector<HTMLButtonElement>('[data-do=share]')!.onclick = async () => {
      error.hidden = true;
      try {
        const lab = parseLabText(source.value, w.thisLab);
        assertSelfContained(lab);
        link.value = `${location.origin}${location.pathname}#lab=${await packLab(source.value)}`;
        link.hidden = false;
        link.select();
        await navigator.clipboard?.writeText(link.value).catch(() => {});
      } catch (e) {
        fail(errorText(e, t));
      }
    };
  }
}
