/** The cluster's nodes above the terminals: a shell on each, stop one, add one, and the memory they take. */
import type { PageCluster } from './cluster';

export interface ClusterBarHost {
  addNode(): void;
  stopNode(name: string): void;
  openShell(name: string): void;
}

export class ClusterBar {
  constructor(
    private readonly root: HTMLElement,
    private readonly host: ClusterBarHost,
  ) {}

  render(cluster: PageCluster | null, starting = false): void {
    this.root.hidden = !cluster || cluster.nodes.length === 0;
    this.root.replaceChildren();
    if (!cluster || this.root.hidden) return;
    const label = document.createElement('span');
    label.className = 'cluster-label';
    label.textContent = 'Cluster:';
    this.root.append(label);
    for (const node of cluster.nodes) {
      const item = document.createElement('span');
      item.className = 'cluster-node';
      item.dataset.node = node.identity.name;
      const shell = document.createElement('button');
      shell.textContent = `${node.identity.name} ${node.identity.address}`;
      shell.title = `Open a shell on ${node.identity.name}`;
      shell.onclick = () => this.host.openShell(node.identity.name);
      item.append(shell);
      if (!node.main) {
        const stop = document.createElement('button');
        stop.className = 'stop-node';
        stop.textContent = '×';
        stop.title = `Stop ${node.identity.name} (what it holds is lost)`;
        stop.setAttribute('aria-label', stop.title);
        stop.onclick = () => this.host.stopNode(node.identity.name);
        item.append(stop);
      }
      this.root.append(item);
    }
    const add = document.createElement('button');
    add.className = 'add-node';
    add.textContent = starting ? 'Starting a node…' : '+ node';
    const refusal = cluster.refusal();
    add.disabled = starting || refusal !== null;
    add.title = refusal ?? 'Start another node on this network';
    add.onclick = () => this.host.addNode();
    const { used, budget } = cluster.memory();
    const memory = document.createElement('span');
    memory.className = 'cluster-memory';
    memory.textContent = `${cluster.nodes.length} nodes · ${(used / 2 ** 30).toFixed(1)} of ${(budget / 2 ** 30).toFixed(1)} GiB this browser can give`;
    this.root.append(add, memory);
  }
}
