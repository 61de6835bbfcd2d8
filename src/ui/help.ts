/** The keyboard help overlay (F1 or the "?" button), closed with Escape. */
import { t } from '../i18n/page';

const w = t.help;
const SHORTCUTS: Array<[string, string]> = [
  ['Alt+T', w.newTerminal],
  ['Alt+W', w.closeTerminal],
  ['Alt+1 … Alt+9', w.switchTerminal],
  ['Ctrl+Shift+C', w.copy],
  ['Ctrl+Shift+V', w.paste],
  ['Ctrl+Shift+F', w.search],
  ['F1', w.help],
];

export class HelpOverlay {
  private readonly dialog: HTMLDialogElement;

  constructor(parent: HTMLElement) {
    this.dialog = document.createElement('dialog');
    this.dialog.className = 'help';
    this.dialog.innerHTML = `<h2>${w.title}</h2><table>${SHORTCUTS.map(([k, v]) => `<tr><th><kbd>${k}</kbd></th><td>${v}</td></tr>`).join('')}</table>
      <p>${w.about}</p>
      <form method="dialog"><button>${w.close}</button></form>`;
    parent.append(this.dialog);
  }

  toggle(): void {
    if (this.dialog.open) this.dialog.close();
    else this.dialog.showModal();
  }
}
