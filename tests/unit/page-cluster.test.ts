import { describe, expect, it } from 'vitest';
import { memoryBudget, nodeCost, PageCluster } from '../../src/ui/cluster';
import type { Guest } from '../../src/ui/worker-client';
import { nodeIdentity, randomMachineId, type NodeIdentity } from '../../src/cluster/plan';

const MIB = 2 ** 20;

/** A worker's side, faked: records the scripts run and keeps the network port it is handed. */
function fakeGuest() {
  const scripts: string[] = [];
  let port: MessagePort | undefined;
  const received: Uint8Array[] = [];
  const guest = {
    api: {
      exec: async (command: string) => {
        scripts.push(command);
        return { exitCode: 0, stdout: '', stderr: '', durationMs: 1 };
      },
      attachNetwork: async (p: MessagePort) => {
        port = p;
        p.onmessage = (e: MessageEvent<Uint8Array>) => received.push(e.data);
      },
    },
    terminate: () => {},
  } as unknown as Guest;
  return { guest, scripts, received, send: (frame: Uint8Array) => port!.postMessage(frame) };
}

/** Plugs a second node in as addNode would, without starting a worker. */
function plugNode(cluster: PageCluster, guest: Guest, index: number, fresh = true): Promise<unknown> {
  const plug = (cluster as unknown as { plug(g: Guest, node: NodeIdentity, main: boolean, fresh: boolean): Promise<unknown> }).plug;
  return plug.call(cluster, guest, nodeIdentity(index, randomMachineId()), false, fresh);
}

describe('the cluster in the page', () => {
  it('a restored cluster keeps the identities it was saved with: no identity script runs', async () => {
    const cluster = new PageCluster('/guest/', 512 * MIB, 8 * 2 ** 30);
    const one = fakeGuest();
    const two = fakeGuest();
    const saved = nodeIdentity(1, 'b'.repeat(32));
    await cluster.adoptMain(one.guest, saved);
    await plugNode(cluster, two.guest, 2, false);
    expect(one.scripts).toEqual([]);
    expect(two.scripts).toEqual([]);
    expect(cluster.node('node1')?.identity).toEqual(saved);
    one.send(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0x4c, 0x42, 0, 0, 1, 8, 6, 0]));
    await expect.poll(() => two.received.length).toBe(1);
  });

  it('makes the main machine node1, plugs it into the switch, and carries frames between nodes', async () => {
    const cluster = new PageCluster('/guest/', 512 * MIB, 8 * 2 ** 30);
    const one = fakeGuest();
    const two = fakeGuest();
    await cluster.adoptMain(one.guest);
    expect(one.scripts[0]).toContain('hostname node1');
    // a second node plugged in as addNode would, without starting a worker
    await plugNode(cluster, two.guest, 2);
    expect(two.scripts[0]).toContain('hostname node2');
    expect(cluster.nodes.map((n) => [n.identity.name, n.main])).toEqual([
      ['node1', true],
      ['node2', false],
    ]);
    one.send(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0x4c, 0x42, 0, 0, 1, 8, 6, 0]));
    await expect.poll(() => two.received.length).toBe(1);
    expect(one.received.length).toBe(0);
    cluster.stopNode('node1'); // the main machine is not the cluster's to stop
    expect(cluster.nodes).toHaveLength(2);
    cluster.stopAll();
    expect(cluster.nodes).toHaveLength(0);
  });

  it('refuses a node beyond what the browser can give, and beyond four', async () => {
    const cost = nodeCost(512 * MIB);
    const small = new PageCluster('/guest/', 512 * MIB, 2 * cost);
    await small.adoptMain(fakeGuest().guest);
    expect(small.refusal()).toBeNull();
    await plugNode(small, fakeGuest().guest, 2);
    expect(small.refusal()).toMatch(/^Another node would take the cluster to 1\.8 GiB of memory; this browser can give about 1\.2 GiB/);
    await expect(small.addNode(() => {})).rejects.toThrow(/Another node would/);
    expect(memoryBudget(8)).toBe(4 * 2 ** 30);
    expect(memoryBudget(undefined)).toBe(2 * 2 ** 30);
  });
});
