/** The terminal tabs: one login shell per tab, "+" opens another, closing one leaves the rest. */
import type { SavedTerminal } from '../storage/snapshot-store';
import { TerminalTab, type TerminalHost } from '../terminal/terminal-tab';
import { t } from '../i18n/page';
import { LABBOX_OSC, parseGuestRequest, type GuestRequest } from '../files/guest-requests';

/** Another machine whose shells open here too (a cluster's other nodes). */
export interface TerminalNode {
  name: string;
  host: TerminalHost;
}

export class Terminals {
  private readonly tabs = new Map<TerminalTab, HTMLButtonElement>();
  /** the node of each tab that is not on the main machine */
  private readonly nodeOf = new Map<TerminalTab, TerminalNode>();
  private active: TerminalTab | null = null;
  private count = 0;
  /** the main machine's shells, once it runs (see connect) */
  private host: TerminalHost | null = null;
  /** a tab laid out before the machine runs, for its first shell (see prepare) */
  private prepared: TerminalTab | null = null;
  private readonly addButton = document.createElement('button');
  /** a guest command asks the page for something (labbox-edit, labbox-download) in a tab of the machine or of `node` */
  onGuestRequest: ((request: GuestRequest, node?: string) => void) | null = null;

  constructor(
    private readonly tabBar: HTMLElement,
    private readonly panes: HTMLElement,
  ) {
    const add = this.addButton;
    add.className = 'new-tab';
    add.title = t.terminals.newTabTitle;
    add.setAttribute('aria-label', t.terminals.newTab);
    add.textContent = '+';
    add.disabled = true;
    add.onclick = () => void this.openBeside();
    tabBar.append(add);
  }

  /**
   * Lays out the first shell's terminal while the machine is still restoring, so that xterm's
   * open and fit (about 0.2 s) do not come after it; it takes the keyboard at once, and what is
   * typed meanwhile goes to the shell once attached.
   */
  prepare(): void {
    if (this.prepared || this.host) return;
    const tab: TerminalTab = new TerminalTab(this.newPane(), '', () => this.markExited(tab));
    tab.mount();
    tab.focus();
    this.prepared = tab;
  }

  /** The main machine runs: its shells can open. */
  connect(host: TerminalHost): void {
    this.host = host;
    this.addButton.disabled = false;
  }

  /** Opens a tab on a new shell, or on a restored machine's shell (`saved`); on `node` when given. */
  async open(saved?: SavedTerminal, node?: TerminalNode): Promise<TerminalTab> {
    const host = node?.host ?? this.host;
    if (!host) throw new Error(t.status.notRunningYet);
    ++this.count;
    const title = saved?.title ?? (node ? t.terminals.nodeShell(node.name, this.count) : t.terminals.shell(this.count));
    const prepared = node ? null : this.prepared;
    if (prepared) this.prepared = null;
    const tab: TerminalTab = prepared ?? new TerminalTab(this.newPane(), title, () => this.markExited(tab));
    tab.title = title;
    if (node) this.nodeOf.set(tab, node);
    tab.terminal.parser.registerOscHandler(LABBOX_OSC, (data) => {
      const request = parseGuestRequest(data);
      if (request) this.onGuestRequest?.(request, node?.name);
      return true;
    });
    const button = document.createElement('button');
    button.className = 'tab';
    button.setAttribute('role', 'tab');
    button.innerHTML = `<span class="label"></span><span class="close">×</span>`;
    button.querySelector('.label')!.textContent = tab.title;
    const close = button.querySelector<HTMLElement>('.close')!;
    close.title = t.terminals.closeTitle;
    close.setAttribute('aria-label', t.terminals.close);
    button.onclick = (e) => ((e.target as HTMLElement).classList.contains('close') ? this.close(tab) : this.select(tab));
    this.tabBar.insertBefore(button, this.tabBar.querySelector('.new-tab'));
    this.tabs.set(tab, button);
    this.select(tab);
    await tab.open(host, saved);
    tab.focus();
    return tab;
  }

  /** A new shell on the machine of the tab in front ("+", Alt+T). */
  openBeside(): Promise<TerminalTab> {
    return this.open(undefined, this.active ? this.nodeOf.get(this.active) : undefined);
  }

  /** The tabs open on a node, or on the main machine. */
  tabsOn(nodeName?: string): TerminalTab[] {
    return [...this.tabs.keys()].filter((t) => this.nodeOf.get(t)?.name === nodeName);
  }

  /** Closes a node's tabs (the node stopped). */
  closeNode(nodeName: string): void {
    for (const tab of this.tabsOn(nodeName)) this.close(tab);
  }

  /** The open shells of the main machine (or of a node), as saved with it. */
  saved(nodeName?: string): SavedTerminal[] {
    return this.tabsOn(nodeName)
      .map((t) => t.saved())
      .filter((t): t is SavedTerminal => t !== null);
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
    this.nodeOf.delete(tab);
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
    if (e.code === 'KeyT') void this.openBeside();
    else if (e.code === 'KeyW' && this.active) this.close(this.active);
    else if (/^Digit[1-9]$/.test(e.code)) {
      const tab = [...this.tabs.keys()][Number(e.code.slice(5)) - 1];
      if (tab) this.select(tab);
    } else return false;
    return true;
  }

  private newPane(): HTMLElement {
    const pane = document.createElement('div');
    pane.className = 'terminal-pane';
    this.panes.append(pane);
    return pane;
  }

  private markExited(tab: TerminalTab): void {
    this.tabs.get(tab)?.classList.add('exited');
  }
}
