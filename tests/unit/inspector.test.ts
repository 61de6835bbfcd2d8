import { describe, expect, it } from 'vitest';
import {
  groupNamespaces,
  parseCgroups,
  parseDockerContainer,
  parseGuestView,
  parseInterfaces,
  parsePs,
  parseSysNet,
  splitSections,
} from '../../src/inspector/parse';

const ps = `    1     0 4026531836 4026531841 4026531840 4026531838 4026531839 4026531837 4026531835 init
  812     1 4026532201 4026532199 4026532204 4026532200 4026532202 4026531837 4026532203 nginx
  830   812 4026532201 4026532199 4026532204 4026532200 4026532202 4026531837 4026532203 nginx
  900     1          -          -          -          -          -          -          - kworker/0:1
garbage line`;

const links = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP'], link_type: 'loopback', addr_info: [] },
  { ifindex: 2, ifname: 'eth0', flags: ['UP'], link_type: 'ether', linkinfo: { info_kind: 'virtio' } },
  { ifindex: 3, ifname: 'docker0', flags: ['UP'], link_type: 'ether', linkinfo: { info_kind: 'bridge' } },
  { ifindex: 7, ifname: 'veth1a2b', flags: ['UP'], master: 'docker0', link_index: 6, linkinfo: { info_kind: 'veth' } },
]);
const addrs = JSON.stringify([
  { ifindex: 2, ifname: 'eth0', addr_info: [{ family: 'inet', local: '10.0.2.15', prefixlen: 24 }] },
  {
    ifindex: 3,
    ifname: 'docker0',
    addr_info: [
      { family: 'inet', local: '172.17.0.1', prefixlen: 16 },
      { family: 'inet6', local: 'fe80::1', prefixlen: 64 },
    ],
  },
]);
// a container's /sys/class/net: name ifindex iflink mac operstate
const inside = `lo 1 1 00:00:00:00:00:00 unknown
eth0 6 7 02:42:ac:11:00:02 up`;
const docker = JSON.stringify({
  ID: 'abc123def4567890',
  Name: '/web',
  Config: { Image: 'nginx' },
  State: { Running: true, Pid: 812 },
  NetworkSettings: {
    Ports: {
      '80/tcp': [
        { HostIp: '0.0.0.0', HostPort: '8080' },
        { HostIp: '::', HostPort: '8080' },
      ],
      '443/tcp': null,
    },
    Networks: { bridge: { MacAddress: '02:42:ac:11:00:02', IPAddress: '172.17.0.2', IPPrefixLen: 16 } },
  },
});
// ip -j -d addr show: both in one
const linksWithAddresses = JSON.stringify(
  JSON.parse(links).map((l: { ifindex: number }) => ({ ...l, ...JSON.parse(addrs).find((a: { ifindex: number }) => a.ifindex === l.ifindex) })),
);

const output = `@@cpu 1000 5000
@@ps
${ps}
@@proccg
1 /init.scope
812 /docker/abc123def4567890
830 /docker/abc123def4567890
@@cgroups
/docker|40960000|max|3|max|900000|0
/docker/abc123def4567890|33554432|33554432|2|10|450000|1
/lxc.payload.c1|1000|max|1|max|10|0
broken|line
@@links
${linksWithAddresses}
@@docker
${docker}
@@netif 812
${inside}
@@cpu 1012 5088
`;

describe('inspector parsers', () => {
  it('splits the output into sections with their arguments', () => {
    expect(splitSections('@@a 1 2\nx\n@@b\ny\nz').map((s) => [s.name, s.args, s.body])).toEqual([
      ['a', ['1', '2'], 'x'],
      ['b', [], 'y\nz'],
    ]);
  });

  it('reads ps namespace columns, skipping unreadable ones and junk', () => {
    const p = parsePs(ps);
    expect(p).toHaveLength(4);
    expect(p[1]).toEqual({
      pid: 812,
      ppid: 1,
      command: 'nginx',
      ns: { pid: 4026532201, mnt: 4026532199, net: 4026532204, uts: 4026532200, ipc: 4026532202, user: 4026531837, cgroup: 4026532203 },
    });
    expect(p[3].ns).toEqual({});
  });

  it('groups processes by namespace and marks the machine’s own', () => {
    const groups = groupNamespaces(parsePs(ps).map((p) => ({ ...p, cgroup: '' })));
    const pid = groups.filter((g) => g.type === 'pid');
    expect(pid).toEqual([
      { type: 'pid', inode: 4026531836, pids: [1], initial: true },
      { type: 'pid', inode: 4026532201, pids: [812, 830], initial: false },
    ]);
    expect(groups.find((g) => g.type === 'user')).toMatchObject({ pids: [1, 812, 830], initial: true });
  });

  it('reads cgroup files, "max" as no limit', () => {
    expect(parseCgroups('/docker/x|33554432|33554432|2|10|450000|1\n/a|1|max||max||0\nbad')).toEqual([
      { path: '/docker/x', memory: 33554432, memoryMax: 33554432, pids: 2, pidsMax: 10, cpuUsec: 450000, oomKills: 1 },
      { path: '/a', memory: 1, memoryMax: undefined, pids: undefined, pidsMax: undefined, cpuUsec: undefined, oomKills: 0 },
    ]);
  });

  it('reads ip -j: kinds, bridges, veth peers, addresses', () => {
    const ifs = parseInterfaces(links, addrs);
    expect(ifs.map((i) => [i.name, i.kind, i.master, i.peerIfindex])).toEqual([
      ['lo', 'loopback', undefined, undefined],
      ['eth0', 'virtio', undefined, undefined],
      ['docker0', 'bridge', undefined, undefined],
      ['veth1a2b', 'veth', 'docker0', 6],
    ]);
    expect(ifs[2].addresses).toEqual([
      { family: 'inet', address: '172.17.0.1', prefix: 16 },
      { family: 'inet6', address: 'fe80::1', prefix: 64 },
    ]);
    expect(parseInterfaces('not json')).toEqual([]);
  });

  it("reads Docker's container config: name, pid, published ports", () => {
    expect(parseDockerContainer(docker)).toEqual({
      engine: 'docker',
      id: 'abc123def4567890',
      name: 'web',
      running: true,
      pid: 812,
      image: 'nginx',
      ports: ['8080->80/tcp'],
      interfaces: [],
    });
    expect(parseDockerContainer(docker, inside)?.interfaces).toEqual([
      { ifindex: 1, name: 'lo', kind: 'loopback', up: true, peerIfindex: undefined, addresses: [] },
      { ifindex: 6, name: 'eth0', kind: 'veth', up: true, peerIfindex: 7, addresses: [{ family: 'inet', address: '172.17.0.2', prefix: 16 }] },
    ]);
    expect(parseSysNet('eth0 x 7 mac up\n\nshort line')).toEqual([]);
    expect(parseDockerContainer('{"truncated":')).toBeNull();
  });

  it('puts it together: containers with their cgroup and interfaces, LXC by cgroup, the cost', () => {
    const view = parseGuestView(output);
    expect(view.processes.find((p) => p.pid === 830)?.cgroup).toBe('/docker/abc123def4567890');
    const web = view.containers.find((c) => c.name === 'web')!;
    expect(web.cgroup).toBe('/docker/abc123def4567890');
    expect(web.interfaces.find((i) => i.name === 'eth0')).toMatchObject({ peerIfindex: 7, addresses: [{ address: '172.17.0.2' }] });
    expect(view.interfaces.find((i) => i.ifindex === 7)?.master).toBe('docker0');
    expect(view.containers.find((c) => c.engine === 'lxc')).toMatchObject({ name: 'c1', running: false });
    expect(view.cgroups.find((g) => g.path === '/docker/abc123def4567890')?.oomKills).toBe(1);
    expect(view.cost).toEqual({ busyTicks: 12, totalTicks: 100 });
  });
});
