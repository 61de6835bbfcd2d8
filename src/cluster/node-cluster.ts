/**
 * A cluster in Node.js: several guests restored from the same snapshot, each given its
 * identity (see ./plan.ts), their network cards plugged into one in-process switch.
 * All run on Node's one thread, so each node gets a share of it: tests keep clusters small.
 * node1 may restore another of the image's machines (a lab's `machine:`, as the page's main
 * machine does); the other nodes restore the default one, as in the page.
 */
import { NodeVM, type NodeVmOptions } from '../vm/node-vm';
import { attachNic } from './nic';
import { applyIdentity, MAX_NODES, MIN_NODES, nodeIdentity, randomMachineId, type NodeIdentity } from './plan';
import { EthernetSwitch } from './switch';

export interface ClusterNode {
  identity: NodeIdentity;
  vm: NodeVM;
}

export class NodeCluster {
  private constructor(
    readonly nodes: ClusterNode[],
    readonly network: EthernetSwitch,
  ) {}

  static async start(count: number, options: NodeVmOptions = {}, node1Machine?: string): Promise<NodeCluster> {
    if (count < MIN_NODES || count > MAX_NODES) throw new Error(`a cluster has ${MIN_NODES} to ${MAX_NODES} nodes, not ${count}`);
    const cluster = new NodeCluster([], new EthernetSwitch());
    try {
      for (let i = 1; i <= count; i++) cluster.nodes.push(await cluster.startNode(i, i === 1 ? { ...options, machine: node1Machine } : options));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  node(name: string): NodeVM {
    const node = this.nodes.find((n) => n.identity.name === name);
    if (!node) throw new Error(`no node named ${name} in this cluster`);
    return node.vm;
  }

  private async startNode(index: number, options: NodeVmOptions): Promise<ClusterNode> {
    const vm = await NodeVM.start(options);
    const port = this.network.connect((frame) => deliver(frame));
    const deliver = attachNic(vm.emulator, (frame) => port.receive(frame));
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
