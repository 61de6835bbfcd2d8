/** Two real guests on the in-process virtual switch (issue: cluster). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeCluster } from '../../src/cluster/node-cluster';
import { ok } from './guest';

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

  it('runs a two-node swarm whose two replicas land one per node', async () => {
    const manager = cluster.node('node1');
    await ok(manager, 'docker swarm init', 600_000);
    const token = (await ok(manager, 'docker swarm join-token -q worker')).trim();
    await ok(cluster.node('node2'), `docker swarm join --token ${token} node1:2377`, 600_000);
    expect(await ok(manager, "docker node ls --format '{{.Hostname}} {{.Status}}'")).toMatch(/node1 Ready[\s\S]*node2 Ready|node2 Ready[\s\S]*node1 Ready/);
    await ok(manager, 'docker service create --detach --name sleeper --replicas 2 busybox sleep 3600', 600_000);
    await manager.waitFor(`[ "$(docker service ps sleeper --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' | grep -c Running)" = 2 ]`, 600_000);
    const nodes = (await ok(manager, "docker service ps sleeper --filter desired-state=running --format '{{.Node}}'")).trim().split('\n').sort();
    expect(nodes).toEqual(['node1', 'node2']);
  }, 1_800_000);
});
