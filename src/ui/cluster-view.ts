/**
 * The cluster in the page shell: starts nodes for a cluster lab, routes a lab's checks and
 * "run in terminal" blocks to their node, and draws the bar above the terminals (a shell on
 * each node, stop one, add one, the memory they take).
 */
import type { GuestInfo } from '../../workers/emulator-contract';
import type { SavedNode } from '../storage/snapshot-store';
import { PageCluster, type ClusterNode } from './cluster';
import { terminalHost, type Guest } from './worker-client';
import type { StatusBar } from './status-bar';
import type { TerminalNode, Terminals } from './terminals';
import type { TerminalTab } from '../terminal/terminal-tab';
import { errorText } from '../i18n';
import { t } from '../i18n/page';

export interface ClusterViewHost {
  imageUrl: string;
  status: StatusBar;
  terminals(): Terminals | null;
  /** the page's running machine, which becomes node1 */
  main(): { guest: Guest; info: GuestInfo } | null;
  /** deletes saved node states that no main machine's record will point to */
  discard(snapshotIds: string[]): Promise<void>;
}

const notStarted = t.cluster.notStarted;

export class ClusterView {
  private cluster: PageCluster | null = null;
  private starting = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: ClusterViewHost,
  ) {}

  /** The guest a lab's script runs on: the main machine for node1 (or no node). */
  guestFor(node: string | undefined, main: Guest): Guest {
    if (!node || node === 'node1') return main;
    const found = this.cluster?.node(node);
    if (!found) throw new Error(notStarted(node));
    return found.guest;
  }

  /** The names of the nodes running beside node1 (node2…), in order. */
  get otherNodes(): string[] {
    return this.cluster?.nodes.filter((n) => !n.main).map((n) => n.identity.name) ?? [];
  }

  /** Types into the terminal in front, or into one on `node` (opened if it has none). */
  async type(text: string, node?: string): Promise<void> {
    const terminals = this.host.terminals();
    if (!terminals) return;
    let term: TerminalTab | null = terminals.current();
    if (node && node !== 'node1' && !this.cluster?.node(node)) return this.host.status.notice(notStarted(node), true);
    if (node && this.cluster) {
      const onNode = this.terminalNode(node);
      const tabs = terminals.tabsOn(onNode?.name);
      if (!term || !tabs.includes(term)) {
        term = tabs[0] ?? (await terminals.open(undefined, onNode));
        terminals.select(term);
      }
    }
    term?.type(text);
    term?.focus();
  }

  /** Grows the cluster to `count` nodes; the running machine becomes node1. */
  async start(count: number): Promise<void> {
    const main = this.host.main();
    if (!main) return this.host.status.notice(t.cluster.mainNotRunning, true);
    const c = (this.cluster ??= new PageCluster(this.host.imageUrl, main.info.machine.memorySize));
    try {
      if (!c.node('node1')) {
        await c.adoptMain(main.guest);
        // bash reads the host name once, at start: the shells already open keep "labbox" in
        // their prompt, so node1 gets a fresh one (in front, as a new tab is)
        await this.host.terminals()?.open();
      }
      while (c === this.cluster && c.nodes.length < count) if (!(await this.addNode(c))) return;
    } catch (error) {
      this.host.status.notice(t.cluster.couldNotStart(errorText(error, t)), true);
    }
    this.render();
  }

  /**
   * Brings back the cluster saved with the main machine, which was just restored: node1 keeps
   * its identity, the other nodes restore from their own saved states, shells included.
   */
  async restore(saved: SavedNode[]): Promise<void> {
    const main = this.host.main();
    if (!main) return;
    const c = (this.cluster = new PageCluster(this.host.imageUrl, main.info.machine.memorySize));
    try {
      await c.adoptMain(main.guest, saved.find((n) => !n.snapshotId)?.identity);
      for (const node of saved) if (node.snapshotId && c === this.cluster && !(await this.addNode(c, node))) break;
    } catch (error) {
      this.host.status.notice(t.cluster.couldNotRestore(errorText(error, t)), true);
    }
    this.render();
  }

  /**
   * Saves every node but node1 (the page saves that one, with the list returned here). What
   * was saved is deleted again if a node fails: a half-saved cluster is not kept.
   */
  async saveNodes(name: string): Promise<SavedNode[] | undefined> {
    const c = this.cluster;
    if (!c || c.nodes.length === 0) return undefined;
    const saved: SavedNode[] = [];
    for (const node of c.nodes) {
      if (node.main) {
        saved.push({ identity: node.identity });
        continue;
      }
      const terminals = this.host.terminals()?.saved(node.identity.name) ?? [];
      try {
        const record = await node.guest.api.saveSnapshot({ name: `${name} (${node.identity.name})`, kind: 'node', session: { terminals } });
        saved.push({ identity: node.identity, snapshotId: record.id });
      } catch (error) {
        await this.host.discard(saved.flatMap((n) => n.snapshotId ?? [])).catch(() => {});
        throw new Error(t.cluster.nodeNotSaved(node.identity.name, errorText(error, t)), { cause: error });
      }
    }
    return saved;
  }

  /** Whether other nodes run beside node1 (a cluster is saved whole, never as a delta). */
  get running(): boolean {
    return (this.cluster?.nodes.length ?? 0) > 0;
  }

  /** Whether a node other than node1 changed since it was last saved. */
  async hasChanges(): Promise<boolean> {
    const others = this.cluster?.nodes.filter((n) => !n.main) ?? [];
    return (await Promise.all(others.map((n) => n.guest.api.hasChanges().catch(() => false)))).some(Boolean);
  }

  /** The main machine stops or restarts: the other nodes stop with it. */
  stop(): void {
    this.cluster?.stopAll();
    this.cluster = null;
    this.render();
  }

  /** Starts one more node (or `saved`, a saved one) with its shells; false when it could not. */
  private async addNode(c: PageCluster, saved?: SavedNode): Promise<boolean> {
    this.starting = true;
    this.render();
    const w = t.cluster;
    const what = saved ? w.restoring(saved.identity.name) : w.startingNode;
    try {
      const node = await c.addNode((p) => {
        if (p.total) this.host.status.noticeProgress(w.step(what, p.message), p.loaded ?? 0, p.total);
        else this.host.status.notice(w.step(what, p.message));
      }, saved);
      if (c !== this.cluster) {
        c.stopNode(node.identity.name); // the page's machine restarted meanwhile: that cluster is gone
        return false;
      }
      const terminals = this.host.terminals();
      const onNode = this.terminalNode(node.identity.name);
      for (const terminal of node.savedTerminals) await terminals?.open(terminal, onNode);
      if (node.savedTerminals.length === 0) await terminals?.open(undefined, onNode);
      this.host.status.notice(w.nodeReady(node.identity.name, node.identity.address));
      return true;
    } catch (error) {
      this.host.status.notice(w.failed(saved ? w.notRestored(saved.identity.name) : w.noNewNode, errorText(error, t)), true);
      return false;
    } finally {
      this.starting = false;
      this.render();
    }
  }

  private stopNode(name: string): void {
    this.cluster?.stopNode(name);
    this.host.terminals()?.closeNode(name);
    this.render();
  }

  /** A node's shells for the terminal tabs; none for node1, whose shells are the page's own. */
  private terminalNode(name: string): TerminalNode | undefined {
    const node: ClusterNode | undefined = this.cluster?.node(name);
    if (!node || node.main) return undefined;
    return { name, host: terminalHost(node.guest) };
  }

  private render(): void {
    const cluster = this.cluster;
    const starting = this.starting;
    this.root.hidden = !cluster || cluster.nodes.length === 0;
    this.root.replaceChildren();
    if (!cluster || this.root.hidden) return;
    const w = t.cluster;
    const label = document.createElement('span');
    label.className = 'cluster-label';
    label.textContent = w.label;
    this.root.append(label);
    for (const node of cluster.nodes) {
      const item = document.createElement('span');
      item.className = 'cluster-node';
      item.dataset.node = node.identity.name;
      const shell = document.createElement('button');
      shell.textContent = `${node.identity.name} ${node.identity.address}`;
      shell.title = w.openShell(node.identity.name);
      shell.onclick = () => void this.host.terminals()?.open(undefined, this.terminalNode(node.identity.name));
      item.append(shell);
      if (!node.main) {
        const stop = document.createElement('button');
        stop.className = 'stop-node';
        stop.textContent = '×';
        stop.title = w.stopNode(node.identity.name);
        stop.setAttribute('aria-label', stop.title);
        stop.onclick = () => this.stopNode(node.identity.name);
        item.append(stop);
      }
      this.root.append(item);
    }
    const add = document.createElement('button');
    add.className = 'add-node';
    add.textContent = starting ? w.starting : w.addNode;
    const refusal = cluster.refusal();
    add.disabled = starting || refusal !== null;
    add.title = refusal ?? w.addNodeTitle;
    add.onclick = () => void this.addNode(cluster);
    const { used, budget } = cluster.memory();
    const memory = document.createElement('span');
    memory.className = 'cluster-memory';
    memory.textContent = w.memory(cluster.nodes.length, used, budget);
    this.root.append(add, memory);
  }
}
