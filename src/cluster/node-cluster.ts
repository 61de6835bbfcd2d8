/**
 * A cluster in Node.js: several guests restored from the image, each in a thread of its own
 * (./threaded-node.ts: its own host core, as each node has its own Web Worker in the page),
 * each given its identity (see ./plan.ts), their network cards plugged into one switch in the
 * main thread. node1 may restore another of the image's machines (a lab's `machine:`, as the
 * page's main machine does); the other nodes restore the default one, as in the page. As in the
 * page, a cluster may begin as node1 alone, the machine a trainee works on before any cluster
 * lab (`single`), and grow: node1 takes its identity then, and keeps what was done on it.
 */
import { applyIdentity, MAX_NODES, MIN_NODES, nodeIdentity, randomMachineId, type NodeIdentity } from './plan';
import { EthernetSwitch } from './switch';
import { ThreadedNode } from './threaded-node';
import type { NodeThreadOptions } from './thread-protocol';

export interface ClusterNode {
  /** null for node1 alone, before the cluster grows (the machine keeps the image's host name) */
  identity: NodeIdentity | null;
  vm: ThreadedNode;
}

/** Gives a guest its name, address and machine id in the cluster. */
const identify = (vm: ThreadedNode, identity: NodeIdentity) => applyIdentity((script, timeoutMs) => vm.exec(script, { timeoutMs }), identity);

export class NodeCluster {
  private constructor(
    readonly nodes: ClusterNode[],
    readonly network: EthernetSwitch,
  ) {}

  static async start(count: number, options: Omit<NodeThreadOptions, 'machine'> = {}, node1Machine?: string): Promise<NodeCluster> {
    if (count < MIN_NODES || count > MAX_NODES) throw new Error(`a cluster has ${MIN_NODES} to ${MAX_NODES} nodes, not ${count}`);
    const cluster = await NodeCluster.single({ ...options, machine: node1Machine });
    await cluster.grow(count, options);
    return cluster;
  }

  /** node1 alone, restored from `options.machine` (the default machine when none), with no cluster identity yet. */
  static async single(options: NodeThreadOptions = {}): Promise<NodeCluster> {
    const cluster = new NodeCluster([], new EthernetSwitch());
    cluster.nodes.push(await cluster.startNode(options, null));
    return cluster;
  }

  /** Adds nodes until there are `count`, one after the other (restores that overlap would share the host's cores for nothing); node1 first takes its identity. */
  async grow(count: number, options: Omit<NodeThreadOptions, 'machine'> = {}): Promise<void> {
    if (count < MIN_NODES || count > MAX_NODES) throw new Error(`a cluster has ${MIN_NODES} to ${MAX_NODES} nodes, not ${count}`);
    try {
      const first = this.nodes[0];
      if (!first.identity) {
        const identity = nodeIdentity(1, randomMachineId());
        await identify(first.vm, identity);
        first.identity = identity;
      }
      while (this.nodes.length < count) this.nodes.push(await this.startNode(options, nodeIdentity(this.nodes.length + 1, randomMachineId())));
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** A node by name; node1 answers to its name before the cluster grows too. */
  node(name: string): ThreadedNode {
    const node = this.nodes.find((n, i) => (n.identity?.name ?? (i === 0 ? 'node1' : '')) === name);
    if (!node) throw new Error(`no node named ${name} in this cluster`);
    return node.vm;
  }

  /** Restores a guest on this cluster's switch and gives it `identity` (none: node1 alone, as restored). */
  private async startNode(options: NodeThreadOptions, identity: NodeIdentity | null): Promise<ClusterNode> {
    let deliver: (frame: Uint8Array) => void = () => {};
    const port = this.network.connect((frame) => deliver(frame));
    let vm: ThreadedNode;
    try {
      ({ node: vm, deliver } = await ThreadedNode.start(options, (frame) => port.receive(frame)));
    } catch (error) {
      port.disconnect();
      throw error;
    }
    try {
      if (identity) await identify(vm, identity);
    } catch (error) {
      port.disconnect();
      await vm.stop();
      throw error;
    }
    return { identity, vm };
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.vm.stop()));
  }
}
