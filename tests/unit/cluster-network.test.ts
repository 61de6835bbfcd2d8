import { describe, expect, it } from 'vitest';
import { EthernetSwitch } from '../../src/cluster/switch';
import { hostsLines, identityScript, nodeIdentity, randomMachineId } from '../../src/cluster/plan';

const mac = (n: number) => [0x02, 0x4c, 0x42, 0, 0, n];
const BROADCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const frame = (to: number[], from: number[]) => Uint8Array.from([...to, ...from, 0x08, 0x00, 1, 2, 3]);

function threeNodes(now = () => 0) {
  const sw = new EthernetSwitch(now);
  const inbox: Uint8Array[][] = [[], [], []];
  const ports = inbox.map((box) => sw.connect((f) => box.push(f)));
  return { sw, inbox, ports };
}

describe('the virtual Ethernet switch', () => {
  it('floods a broadcast to every other port, then sends replies only where their destination lives', () => {
    const { sw, inbox, ports } = threeNodes();
    ports[0].receive(frame(BROADCAST, mac(1))); // an ARP request from node1
    expect(inbox.map((b) => b.length)).toEqual([0, 1, 1]);
    ports[1].receive(frame(mac(1), mac(2))); // node2 answers node1
    expect(inbox.map((b) => b.length)).toEqual([1, 1, 1]);
    ports[0].receive(frame(mac(2), mac(1))); // now both are learnt
    expect(inbox.map((b) => b.length)).toEqual([1, 2, 1]);
    expect(sw.counters).toEqual({ forwarded: 2, flooded: 1, dropped: 0 });
    expect(sw.addresses()).toEqual(
      new Map([
        ['02:4c:42:00:00:01', ports[0].id],
        ['02:4c:42:00:00:02', ports[1].id],
      ]),
    );
  });

  it('floods an unknown destination, drops runts and frames for the port they came from', () => {
    const { sw, inbox, ports } = threeNodes();
    ports[0].receive(frame(mac(9), mac(1)));
    expect(inbox.map((b) => b.length)).toEqual([0, 1, 1]);
    ports[0].receive(Uint8Array.of(1, 2, 3));
    ports[0].receive(frame(mac(1), mac(1)));
    expect(sw.counters).toEqual({ forwarded: 0, flooded: 1, dropped: 2 });
  });

  it('forgets a node that is unplugged, and addresses not heard from for five minutes', () => {
    let t = 0;
    const { sw, inbox, ports } = threeNodes(() => t);
    ports[1].receive(frame(BROADCAST, mac(2)));
    ports[2].receive(frame(BROADCAST, mac(3)));
    ports[1].disconnect();
    ports[0].receive(frame(mac(2), mac(1))); // unknown again: flooded to the ports left
    expect(inbox[2].length).toBe(2);
    expect(inbox[1].length).toBe(1);
    t = 301_000;
    expect(sw.addresses().has('02:4c:42:00:00:03')).toBe(false);
    ports[0].receive(frame(mac(3), mac(1)));
    expect(sw.counters.flooded).toBe(4);
  });

  it('never learns a multicast source address', () => {
    const { sw, ports } = threeNodes();
    ports[0].receive(frame(BROADCAST, [0x01, 0, 0x5e, 0, 0, 1]));
    expect(sw.addresses().size).toBe(0);
  });
});

describe('the cluster plan', () => {
  it('gives each node its name, MAC and address, and names every peer', () => {
    const id = randomMachineId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(nodeIdentity(3, id)).toEqual({ index: 3, name: 'node3', mac: '02:4c:42:00:00:03', address: '10.10.0.13', machineId: id });
    expect(hostsLines().split('\n')).toEqual([
      '10.10.0.11 node1 # labbox-cluster',
      '10.10.0.12 node2 # labbox-cluster',
      '10.10.0.13 node3 # labbox-cluster',
      '10.10.0.14 node4 # labbox-cluster',
    ]);
    const script = identityScript(nodeIdentity(2, id));
    expect(script).toContain('hostname node2');
    expect(script).toContain('ip link set eth0 address 02:4c:42:00:00:02');
    expect(script).toContain('ip addr add 10.10.0.12/24 dev eth0');
    expect(script).toContain('10.10.0.13 node3 # labbox-cluster');
    expect(() => nodeIdentity(5, id)).toThrow(/nodes 1 to 4/);
    expect(() => nodeIdentity(1, 'nope')).toThrow(/machine-id/);
  });
});
