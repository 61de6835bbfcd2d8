/**
 * A cluster in the page: the main machine becomes node1; each further node is a guest of its
 * own, restored from the same snapshot in its own worker, given its identity (../cluster/plan)
 * and plugged into one virtual switch that lives here, on the page.
 */
import * as Comlink from 'comlink';
import { applyIdentity, MAX_NODES, nodeIdentity, randomMachineId, type NodeIdentity } from '../cluster/plan';
import { EthernetSwitch, type SwitchPort } from '../cluster/switch';
import type { SavedNode, SavedTerminal } from '../storage/snapshot-store';
import type { Progress } from '../../workers/emulator-contract';
import { startGuest, type Guest } from './worker-client';
import { t } from '../i18n/page';

export interface ClusterNode {
  identity: NodeIdentity;
  guest: Guest;
  /** node1: the page's main machine (saved, inspected, restarted by the page, not by the cluster) */
  main: boolean;
  port: SwitchPort;
  /** the shells saved with this node, to reattach (a node restored from a saved cluster) */
  savedTerminals: SavedTerminal[];
}

/** Bytes a node costs the browser: its guest memory plus the emulator's own (code cache, devices, buffers). */
export function nodeCost(memorySize: number): number {
  return memorySize + 96 * 2 ** 20;
}

/**
 * What this browser can give the nodes: half of the device memory it reports (Chromium
 * rounds it and caps it at 8 GB), or 2 GiB where it says nothing.
 */
export function memoryBudget(deviceMemoryGb = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory): number {
  return deviceMemoryGb ? (deviceMemoryGb * 2 ** 30) / 2 : 2 * 2 ** 30;
}

export class PageCluster {
  private readonly network = new EthernetSwitch();
  readonly nodes: ClusterNode[] = [];
  /** nodes being started: counted in the budget so two quick clicks cannot overshoot it */
  private starting = 0;

  constructor(
    private readonly imageUrl: string,
    private readonly memorySize: number,
    private readonly budget = memoryBudget(),
  ) {}

  /** The memory the nodes take, and what one more would make. */
  memory(): { used: number; budget: number; next: number } {
    const used = (this.nodes.length + this.starting) * nodeCost(this.memorySize);
    return { used, budget: this.budget, next: used + nodeCost(this.memorySize) };
  }

  /** Why another node cannot start, in words for the trainee; null when it can. */
  refusal(): string | null {
    if (this.nodes.length + this.starting >= MAX_NODES) return t.cluster.atMost(MAX_NODES);
    const { next, budget } = this.memory();
    if (next > budget) {
      return t.cluster.tooMuchMemory(next, budget);
    }
    return null;
  }

  /** Makes the running main machine node1 of the cluster; `saved`: the identity it was saved with. */
  async adoptMain(guest: Guest, saved?: NodeIdentity): Promise<ClusterNode> {
    if (this.nodes.some((n) => n.main)) throw new Error('the main machine is already in the cluster');
    return this.plug(guest, saved ?? nodeIdentity(1, randomMachineId()), true, !saved);
  }

  /**
   * Starts the next node: a fresh guest restored from the image's snapshot, or (`saved`) a
   * node saved with the cluster, which comes back with its identity, files and processes.
   */
  async addNode(onProgress: (p: Progress) => void, saved?: SavedNode): Promise<ClusterNode> {
    const refusal = this.refusal();
    if (refusal) throw new Error(refusal);
    const identity = saved?.identity ?? nodeIdentity(this.freeIndex(), randomMachineId());
    if (this.nodes.some((n) => n.identity.index === identity.index)) throw new Error(t.cluster.alreadyRunning(identity.name));
    this.starting++;
    try {
      const { guest, info } = await startGuest({ imageUrl: this.imageUrl, snapshotId: saved?.snapshotId }, onProgress);
      const node = await this.plug(guest, identity, false, !saved).catch((error) => {
        guest.terminate();
        throw error;
      });
      node.savedTerminals = info.restored?.session.terminals ?? [];
      return node;
    } finally {
      this.starting--;
    }
  }

  node(name: string): ClusterNode | undefined {
    return this.nodes.find((n) => n.identity.name === name);
  }

  /** Stops a node that is not the main machine. */
  stopNode(name: string): void {
    const node = this.node(name);
    if (!node || node.main) return;
    this.unplug(node);
    node.guest.terminate();
  }

  /** Stops every other node and takes the main machine out (it is being restarted). */
  stopAll(): void {
    for (const node of [...this.nodes]) {
      this.unplug(node);
      if (!node.main) node.guest.terminate();
    }
  }

  private freeIndex(): number {
    for (let i = 2; i <= MAX_NODES; i++) if (!this.nodes.some((n) => n.identity.index === i)) return i;
    throw new Error(t.cluster.atMost(MAX_NODES));
  }

  /** Connects a guest to the switch; `fresh`: a guest from the image, which takes its identity first. */
  private async plug(guest: Guest, identity: NodeIdentity, main: boolean, fresh: boolean): Promise<ClusterNode> {
    if (fresh) await applyIdentity((script, timeoutMs) => guest.api.exec(script, timeoutMs, true), identity);
    const channel = new MessageChannel();
    await guest.api.attachNetwork(Comlink.transfer(channel.port1, [channel.port1]));
    const port = this.network.connect((frame) => channel.port2.postMessage(frame));
    channel.port2.onmessage = (e: MessageEvent<Uint8Array>) => port.receive(e.data);
    const node: ClusterNode = { identity, guest, main, port, savedTerminals: [] };
    this.nodes.push(node);
    this.nodes.sort((a, b) => a.identity.index - b.identity.index);
    return node;
  }

  private unplug(node: ClusterNode): void {
    node.port.disconnect();
    this.nodes.splice(this.nodes.indexOf(node), 1);
  }
}
