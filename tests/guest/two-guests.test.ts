/**
 * Two real guests, each in its own thread, on the virtual switch. The two-node swarm (one
 * replica per node, failure, drain) is the swarm-cluster lab's run in ./labs.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeCluster } from '../../src/cluster/node-cluster';
import { ok } from './use-guest';

let cluster: NodeCluster;
beforeAll(async () => {
  cluster = await NodeCluster.start(2);
}, 600_000);
afterAll(async () => {
  await cluster?.stop();
});

describe('a two-node cluster', () => {
  it('gives each node its own name, MAC and address', async () => {
    expect((await ok(cluster.node('node1'), 'hostname')).trim()).toBe('node1');
    expect((await ok(cluster.node('node2'), 'cat /sys/class/net/eth0/address')).trim()).toBe('02:4c:42:00:00:02');
    const ids = await Promise.all(cluster.nodes.map((n) => ok(n.vm, 'cat /etc/machine-id')));
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('lets the nodes ping each other by name', async () => {
    expect(await ok(cluster.node('node1'), 'ping -c 2 -W 10 node2')).toMatch(/2 packets transmitted, 2 (packets )?received/);
    expect(await ok(cluster.node('node2'), 'ping -c 2 -W 10 node1')).toMatch(/2 packets transmitted, 2 (packets )?received/);
    expect(cluster.network.counters.forwarded).toBeGreaterThan(0);
  });
});
