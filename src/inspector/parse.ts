/**
 * Parsers for what ./collect.ts prints: ps columns, /proc/<pid>/cgroup, cgroup v2 files,
 * `ip -j` JSON, Docker's config.v2.json. Pure functions, no DOM: the page, the Node tests
 * and the benchmark share them. Anything malformed is skipped, never fatal: the guest is the
 * trainee's, and a half-written file must not blank the panel.
 */
import { NAMESPACE_TYPES, type Address, type Cgroup, type Container, type GuestView, type Namespace, type NetInterface, type Process } from './model';

/** Splits the script's output into its "@@name [args]" sections. */
export function splitSections(text: string): { name: string; args: string[]; body: string }[] {
  const sections: { name: string; args: string[]; lines: string[] }[] = [];
  for (const line of text.split('\n')) {
    const m = /^@@(\w+)\s*(.*)$/.exec(line);
    if (m) sections.push({ name: m[1], args: m[2].split(/\s+/).filter(Boolean), lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  return sections.map(({ name, args, lines }) => ({ name, args, body: lines.join('\n').trim() }));
}

/** `ps -o pid=,ppid=,pidns=,mntns=,netns=,utsns=,ipcns=,userns=,cgroupns=,comm=` */
export function parsePs(body: string): Omit<Process, 'cgroup'>[] {
  const out: Omit<Process, 'cgroup'>[] = [];
  for (const line of body.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^\d+$/.test(f[0])) continue;
    const ns: Process['ns'] = {};
    NAMESPACE_TYPES.forEach((type, i) => {
      const inode = Number(f[2 + i]);
      if (Number.isFinite(inode) && inode > 0) ns[type] = inode;
    });
    out.push({ pid: Number(f[0]), ppid: Number(f[1]), ns, command: f.slice(9).join(' ') });
  }
  return out;
}

/** "<pid> <cgroup path>" lines */
export function parseProcessCgroups(body: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of body.split('\n')) {
    const m = /^(\d+) (\/\S*)$/.exec(line.trim());
    if (m) map.set(Number(m[1]), m[2]);
  }
  return map;
}

const numberOrUndefined = (s: string | undefined): number | undefined => (s && /^\d+$/.test(s) ? Number(s) : undefined);

/** "path|memory.current|memory.max|pids.current|pids.max|usage_usec|oom_kill" lines */
export function parseCgroups(body: string): Cgroup[] {
  return body
    .split('\n')
    .map((line) => line.trim().split('|'))
    .filter((f) => f.length === 7 && f[0].startsWith('/'))
    .map(([path, memory, memoryMax, pids, pidsMax, cpu, oom]) => ({
      path,
      memory: numberOrUndefined(memory),
      memoryMax: numberOrUndefined(memoryMax),
      pids: numberOrUndefined(pids),
      pidsMax: numberOrUndefined(pidsMax),
      cpuUsec: numberOrUndefined(cpu),
      oomKills: numberOrUndefined(oom) ?? 0,
    }));
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

interface IpLink {
  ifindex: number;
  ifname: string;
  flags?: string[];
  link_type?: string;
  master?: string;
  link_index?: number;
  linkinfo?: { info_kind?: string };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

/** `ip -j -d addr show`; or `ip -j -d link show` with `ip -j addr show` (either alone works: addresses or details may be missing). */
export function parseInterfaces(linksJson: string, addrsJson = '[]'): NetInterface[] {
  const links = parseJson<IpLink[]>(linksJson, []);
  const addrs = new Map(parseJson<IpLink[]>(addrsJson, []).map((a) => [a.ifindex, a]));
  const all = links.length ? links : [...addrs.values()];
  return all
    .filter((l) => typeof l.ifindex === 'number' && l.ifname)
    .map((l) => {
      const a = addrs.get(l.ifindex) ?? l;
      return {
        ifindex: l.ifindex,
        name: l.ifname,
        kind: l.linkinfo?.info_kind ?? (l.link_type === 'loopback' ? 'loopback' : a.link_index !== undefined || l.link_index !== undefined ? 'veth' : 'ether'),
        up: (l.flags ?? []).includes('UP'),
        master: l.master ?? a.master,
        peerIfindex: l.link_index ?? a.link_index,
        addresses: (a.addr_info ?? [])
          .filter((i) => i.family === 'inet' || i.family === 'inet6')
          .map((i): Address => ({ family: i.family as Address['family'], address: i.local, prefix: i.prefixlen })),
      };
    });
}

interface DockerConfig {
  ID?: string;
  Name?: string;
  Config?: { Image?: string };
  State?: { Running?: boolean; Paused?: boolean; Pid?: number };
  NetworkSettings?: {
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null>;
    Networks?: Record<string, { MacAddress?: string; IPAddress?: string; IPPrefixLen?: number; GlobalIPv6Address?: string; GlobalIPv6PrefixLen?: number }>;
  };
}

/**
 * A container's interfaces as read from its own /sys/class/net ("name ifindex iflink mac
 * operstate" lines), with the addresses Docker gave each MAC. A veth's iflink is its peer.
 */
export function parseSysNet(text: string, addressesByMac: Map<string, Address[]> = new Map()): NetInterface[] {
  return text.split('\n').flatMap((line): NetInterface[] => {
    const [name, index, link, mac, state] = line.trim().split(/\s+/);
    const ifindex = Number(index);
    const iflink = Number(link);
    if (!name || !Number.isInteger(ifindex) || !Number.isInteger(iflink) || !state) return [];
    const veth = iflink !== ifindex;
    return [
      {
        ifindex,
        name,
        kind: name === 'lo' ? 'loopback' : veth ? 'veth' : 'ether',
        up: state === 'up' || (name === 'lo' && state === 'unknown'),
        peerIfindex: veth ? iflink : undefined,
        addresses: addressesByMac.get(mac) ?? [],
      },
    ];
  });
}

/** Docker's /var/lib/docker/containers/<id>/config.v2.json, and the container's /sys/class/net lines */
export function parseDockerContainer(json: string, sysNet = ''): Container | null {
  const c = parseJson<DockerConfig | null>(json, null);
  if (!c?.ID) return null;
  const addressesByMac = new Map<string, Address[]>();
  for (const n of Object.values(c.NetworkSettings?.Networks ?? {})) {
    if (!n.MacAddress) continue;
    const list: Address[] = [];
    if (n.IPAddress) list.push({ family: 'inet', address: n.IPAddress, prefix: n.IPPrefixLen ?? 32 });
    if (n.GlobalIPv6Address) list.push({ family: 'inet6', address: n.GlobalIPv6Address, prefix: n.GlobalIPv6PrefixLen ?? 128 });
    addressesByMac.set(n.MacAddress, list);
  }
  const ports = Object.entries(c.NetworkSettings?.Ports ?? {}).flatMap(([target, bindings]) =>
    (bindings ?? []).filter((b) => b.HostPort).map((b) => `${b.HostPort}->${target}`),
  );
  const pid = c.State?.Pid ? c.State.Pid : undefined;
  return {
    engine: 'docker',
    id: c.ID,
    name: (c.Name ?? c.ID.slice(0, 12)).replace(/^\//, ''),
    running: !!c.State?.Running,
    pid,
    image: c.Config?.Image,
    ports: [...new Set(ports)],
    interfaces: parseSysNet(sysNet, addressesByMac),
  };
}

/** Groups processes by namespace; the machine's own namespaces are PID 1's. */
export function groupNamespaces(processes: Process[]): Namespace[] {
  const init = processes.find((p) => p.pid === 1)?.ns ?? {};
  const byKey = new Map<string, Namespace>();
  for (const p of processes) {
    for (const type of NAMESPACE_TYPES) {
      const inode = p.ns[type];
      if (!inode) continue;
      const key = `${type}:${inode}`;
      let ns = byKey.get(key);
      if (!ns) byKey.set(key, (ns = { type, inode, pids: [], initial: init[type] === inode }));
      ns.pids.push(p.pid);
    }
  }
  return [...byKey.values()];
}

/** The whole view from one run of the collect script. */
export function parseGuestView(text: string): GuestView {
  const sections = splitSections(text);
  const body = (name: string) => sections.find((s) => s.name === name)?.body ?? '';
  const cgroupOf = parseProcessCgroups(body('proccg'));
  const processes: Process[] = parsePs(body('ps')).map((p) => ({ ...p, cgroup: cgroupOf.get(p.pid) ?? '' }));
  const cgroups = parseCgroups(body('cgroups'));

  const containers: Container[] = [];
  for (const [i, s] of sections.entries()) {
    if (s.name !== 'docker') continue;
    const c = parseDockerContainer(s.body, sections[i + 1]?.name === 'netif' ? sections[i + 1].body : '');
    if (!c) continue;
    c.cgroup = cgroups.find((g) => g.path.endsWith(c.id))?.path ?? (c.pid ? cgroupOf.get(c.pid) : undefined);
    containers.push(c);
  }
  // LXC puts each container's processes in /lxc.payload.<name>
  for (const g of cgroups) {
    const m = /^\/lxc\.payload\.([^/]+)$/.exec(g.path);
    if (!m) continue;
    const pid = processes.filter((p) => p.cgroup.startsWith(g.path)).sort((a, b) => a.pid - b.pid)[0]?.pid;
    containers.push({ engine: 'lxc', id: m[1], name: m[1], running: pid !== undefined, pid, cgroup: g.path, ports: [], interfaces: [] });
  }

  const cpu = sections.filter((s) => s.name === 'cpu').map((s) => s.args.map(Number));
  const cost =
    cpu.length === 2 && cpu.every((c) => c.length === 2 && c.every(Number.isFinite))
      ? { busyTicks: cpu[1][0] - cpu[0][0], totalTicks: cpu[1][0] + cpu[1][1] - cpu[0][0] - cpu[0][1] }
      : undefined;
  return {
    processes,
    namespaces: groupNamespaces(processes),
    cgroups,
    interfaces: parseInterfaces(body('links')),
    containers,
    cost,
  };
}
