/**
 * A cluster in Node.js: several guests restored from the image, each in a thread of its own
 * (./threaded-node.ts: its own host core, as each node has its own Web Worker in the page),
 * each given its identity (see ./plan.ts), their network cards plugged into one switch in the
 * main thread. node1 may restore another of the image's machines (a lab's `machine:`, as the
 * page's main machine does); the other nodes restore the default one, as in the page.
 */
import { applyIdentity, MAX_NODES, MIN_NODES, nodeIdentity, randomMachineId, type NodeIdentity } from './plan';
import { EthernetSwitch } from './switch';
import { ThreadedNode } from './threaded-node';
import type { NodeThreadOptions } from './thread-protocol';

export interface ClusterNode {
  identity: NodeIdentity;
  vm: ThreadedNode;
}

export class NodeCluster {
  private constructor(
    readonly nodes: ClusterNode[],
    readonly network: EthernetSwitch,
  ) {}

  static async start(count: number, options: Omit<NodeThreadOptions, 'machine'> = {}, node1Machine?: string): Promise<NodeCluster> {
    if (count < MIN_NODES || count > MAX_NODES) throw new Error(`a cluster has ${MIN_NODES} to ${MAX_NODES} nodes, not ${count}`);
    const cluster = new NodeCluster([], new EthernetSwitch());
    try {
      // one after the other: restores that overlap would share the host's cores for nothing
      for (let i = 1; i <= count; i++) cluster.nodes.push(await cluster.startNode(i, { ...options, machine: i === 1 ? node1Machine : undefined }));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  node(name: string): ThreadedNode {
    const node = this.nodes.find((n) => n.identity.name === name);
    if (!node) throw new Error(`no node named ${name} in this cluster`);
    return node.vm;
  }

  private async startNode(index: number, options: NodeThreadOptions): Promise<ClusterNode> {
    let deliver: (frame: Uint8Array) => void = () => {};
    const port = this.network.connect((frame) => deliver(frame));
    let vm: ThreadedNode;
    try {
      ({ node: vm, deliver } = await ThreadedNode.start(options, (frame) => port.receive(frame)));
    } catch (error) {
      port.disconnect();
      throw error;
    }
    const identity = nodeIdentity(index, randomMachineId());
    try {
      await applyIdentity((script, timeoutMs) => vm.exec(script, { timeoutMs }), identity);
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
