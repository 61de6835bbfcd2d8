/** The terminal tabs: one login shell per tab, "+" opens another, closing one leaves the rest. */
import type { SavedTerminal } from '../storage/snapshot-store';
import { TerminalTab, type TerminalHost } from '../terminal/terminal-tab';

export class Terminals {
  private readonly tabs = new Map<TerminalTab, HTMLButtonElement>();
  private active: TerminalTab | null = null;
  private count = 0;

  constructor(
    private readonly tabBar: HTMLElement,
    private readonly panes: HTMLElement,
    private readonly host: TerminalHost,
  ) {
    const add = document.createElement('button');
    add.className = 'new-tab';
    add.title = 'New terminal (Alt+T)';
    add.setAttribute('aria-label', 'New terminal');
    add.textContent = '+';
    add.onclick = () => void this.open();
    tabBar.append(add);
  }

  /** Opens a tab on a new shell, or on a restored machine's shell (`saved`). */
  async open(saved?: SavedTerminal): Promise<TerminalTab> {
    const pane = document.createElement('div');
    pane.className = 'terminal-pane';
    this.panes.append(pane);
    ++this.count;
    const tab = new TerminalTab(pane, saved?.title ?? `shell ${this.count}`, () => this.markExited(tab));
    const button = document.createElement('button');
    button.className = 'tab';
    button.setAttribute('role', 'tab');
    button.innerHTML = `<span class="label"></span><span class="close" title="Close (Alt+W)" aria-label="Close">×</span>`;
    button.querySelector('.label')!.textContent = tab.title;
    button.onclick = (e) => ((e.target as HTMLElement).classList.contains('close') ? this.close(tab) : this.select(tab));
    this.tabBar.insertBefore(button, this.tabBar.querySelector('.new-tab'));
    this.tabs.set(tab, button);
    this.select(tab);
    await tab.open(this.host, saved);
    tab.focus();
    return tab;
  }

  /** The open shells, as saved with the machine. */
  saved(): SavedTerminal[] {
    return [...this.tabs.keys()].map((t) => t.saved()).filter((t): t is SavedTerminal => t !== null);
  }

  select(tab: TerminalTab): void {
    this.active = tab;
    for (const [t, button] of this.tabs) {
      const on = t === tab;
      button.classList.toggle('active', on);
      button.setAttribute('aria-selected', String(on));
      t.element.hidden = !on;
    }
    tab.fit();
    tab.focus();
  }

  close(tab: TerminalTab): void {
    tab.close();
    tab.element.remove();
    this.tabs.get(tab)?.remove();
    this.tabs.delete(tab);
    if (this.active === tab) {
      const next = [...this.tabs.keys()].at(-1);
      if (next) this.select(next);
      else void this.open();
    }
  }

  current(): TerminalTab | null {
    return this.active;
  }

  /** Alt+T new tab, Alt+W close, Alt+1..9 switch: keys a browser leaves to the page. */
  handleKey(e: KeyboardEvent): boolean {
    if (!e.altKey || e.ctrlKey || e.metaKey) return false;
    if (e.code === 'KeyT') void this.open();
    else if (e.code === 'KeyW' && this.active) this.close(this.active);
    else if (/^Digit[1-9]$/.test(e.code)) {
      const tab = [...this.tabs.keys()][Number(e.code.slice(5)) - 1];
      if (tab) this.select(tab);
    } else return false;
    return true;
  }

  private markExited(tab: TerminalTab): void {
    this.tabs.get(tab)?.classList.add('exited');
  }
}
