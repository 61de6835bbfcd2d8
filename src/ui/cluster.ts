/**
 * A cluster in the page: the main machine becomes node1; each further node is a guest of its
 * own, restored from the same snapshot in its own worker, given its identity (../cluster/plan)
 * and plugged into one virtual switch that lives here, on the page.
 */
import * as Comlink from 'comlink';
import { identityScript, MAX_NODES, nodeIdentity, randomMachineId, type NodeIdentity } from '../cluster/plan';
import { EthernetSwitch, type SwitchPort } from '../cluster/switch';
import type { Progress } from '../../workers/emulator.worker';
import { startGuest, type Guest } from './guest';

export interface ClusterNode {
  identity: NodeIdentity;
  guest: Guest;
  /** node1: the page's main machine (saved, inspected, restarted by the page, not by the cluster) */
  main: boolean;
  port: SwitchPort;
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
    if (this.nodes.length + this.starting >= MAX_NODES) return `A cluster has at most ${MAX_NODES} nodes.`;
    const { next, budget } = this.memory();
    if (next > budget) {
      return `Another node would take the cluster to ${gib(next)} of memory; this browser can give about ${gib(budget)}. Stop a node first, or use a computer with more memory.`;
    }
    return null;
  }

  /** Makes the running main machine node1 of the cluster. */
  async adoptMain(guest: Guest): Promise<ClusterNode> {
    if (this.nodes.some((n) => n.main)) throw new Error('the main machine is already in the cluster');
    return this.plug(guest, 1, true);
  }

  /** Starts the next node: a fresh guest restored from the image's snapshot. */
  async addNode(onProgress: (p: Progress) => void): Promise<ClusterNode> {
    const refusal = this.refusal();
    if (refusal) throw new Error(refusal);
    const index = this.freeIndex();
    this.starting++;
    try {
      const { guest } = await startGuest({ imageUrl: this.imageUrl }, onProgress);
      return await this.plug(guest, index, false).catch((error) => {
        guest.terminate();
        throw error;
      });
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
    throw new Error(`A cluster has at most ${MAX_NODES} nodes.`);
  }

  private async plug(guest: Guest, index: number, main: boolean): Promise<ClusterNode> {
    const identity = nodeIdentity(index, randomMachineId());
    // the first commands after a restore are the slow ones (nothing compiled yet), and another guest may share the CPU
    const r = await guest.api.exec(identityScript(identity), 180_000, true);
    if (r.exitCode !== 0) throw new Error(`${identity.name} could not take its name and address: ${(r.stderr || r.stdout).trim()}`);
    const channel = new MessageChannel();
    await guest.api.attachNetwork(Comlink.transfer(channel.port1, [channel.port1]));
    const port = this.network.connect((frame) => channel.port2.postMessage(frame));
    channel.port2.onmessage = (e: MessageEvent<Uint8Array>) => port.receive(e.data);
    const node = { identity, guest, main, port };
    this.nodes.push(node);
    this.nodes.sort((a, b) => a.identity.index - b.identity.index);
    return node;
  }

  private unplug(node: ClusterNode): void {
    node.port.disconnect();
    this.nodes.splice(this.nodes.indexOf(node), 1);
  }
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
