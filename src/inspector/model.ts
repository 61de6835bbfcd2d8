/** What the inspector shows: the guest's processes, namespaces, cgroups, containers and network. */

export const NAMESPACE_TYPES = ['pid', 'mnt', 'net', 'uts', 'ipc', 'user', 'cgroup'] as const;
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];

export interface Process {
  pid: number;
  ppid: number;
  command: string;
  /** namespace inode per type, as /proc/<pid>/ns and lsns show it (absent when unreadable) */
  ns: Partial<Record<NamespaceType, number>>;
  /** the cgroup v2 path, e.g. /docker/<id> */
  cgroup: string;
}

export interface Namespace {
  type: NamespaceType;
  inode: number;
  pids: number[];
  /** the machine's own namespace of this type (the one PID 1 is in) */
  initial: boolean;
}

export interface Cgroup {
  path: string;
  memory?: number;
  /** undefined = no limit ("max") */
  memoryMax?: number;
  pids?: number;
  pidsMax?: number;
  cpuUsec?: number;
  oomKills: number;
}

export interface Address {
  family: 'inet' | 'inet6';
  address: string;
  prefix: number;
}

export interface NetInterface {
  ifindex: number;
  name: string;
  /** veth, bridge, loopback, … */
  kind: string;
  up: boolean;
  /** the bridge this interface is plugged into */
  master?: string;
  /** a veth's other end: its ifindex in the other namespace */
  peerIfindex?: number;
  addresses: Address[];
}

export interface Container {
  engine: 'docker' | 'lxc';
  id: string;
  name: string;
  running: boolean;
  /** the container's first process, on the machine's PID numbering */
  pid?: number;
  image?: string;
  cgroup?: string;
  /** "8080->80/tcp" */
  ports: string[];
  /** its interfaces, seen from inside its network namespace */
  interfaces: NetInterface[];
}

export interface GuestView {
  processes: Process[];
  namespaces: Namespace[];
  cgroups: Cgroup[];
  interfaces: NetInterface[];
  containers: Container[];
  /** guest CPU spent while collecting, and the whole CPU time elapsed, in clock ticks */
  cost?: { busyTicks: number; totalTicks: number };
}
