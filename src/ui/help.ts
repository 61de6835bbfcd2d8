/** The keyboard help overlay (F1 or the "?" button), closed with Escape. */

const SHORTCUTS: Array<[string, string]> = [
  ['Alt+T', 'open a new terminal'],
  ['Alt+W', 'close the current terminal'],
  ['Alt+1 … Alt+9', 'switch to terminal 1 … 9'],
  ['Ctrl+Shift+C', 'copy the selection'],
  ['Ctrl+Shift+V', 'paste (Ctrl+V and the browser menu work too)'],
  ['Ctrl+Shift+F', 'search in the current terminal'],
  ['F1', 'show or hide this help'],
];

export class HelpOverlay {
  private readonly dialog: HTMLDialogElement;

  constructor(parent: HTMLElement) {
    this.dialog = document.createElement('dialog');
    this.dialog.className = 'help';
    this.dialog.innerHTML = `<h2>Keyboard</h2><table>${SHORTCUTS.map(([k, v]) => `<tr><th><kbd>${k}</kbd></th><td>${v}</td></tr>`).join('')}</table>
      <p>Each tab is its own login shell in the same Linux machine. The machine is real: Docker, LXC, namespaces and cgroups behave as on a server, only slower.</p>
      <form method="dialog"><button>Close</button></form>`;
    parent.append(this.dialog);
  }

  toggle(): void {
    if (this.dialog.open) this.dialog.close();
    else this.dialog.showModal();
  }
}
