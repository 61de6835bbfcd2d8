/**
 * The cluster's address plan and each node's identity. Every node is restored from the same
 * snapshot, so it starts as the same machine (hostname "labbox", one MAC, one machine-id);
 * the identity script, run through the guest agent, makes it node<N> with its own MAC,
 * static address, machine-id, and names for all its peers in /etc/hosts.
 */

export const MIN_NODES = 2;
export const MAX_NODES = 4;
export const CLUSTER_SUBNET = '10.10.0.0/24';

export interface NodeIdentity {
  /** 1-based */
  index: number;
  name: string;
  mac: string;
  address: string;
  machineId: string;
}

export function nodeIdentity(index: number, machineId: string): NodeIdentity {
  if (!Number.isInteger(index) || index < 1 || index > MAX_NODES) throw new Error(`a cluster has nodes 1 to ${MAX_NODES}, not ${index}`);
  if (!/^[0-9a-f]{32}$/.test(machineId)) throw new Error('a machine-id is 32 lowercase hexadecimal digits');
  // 02: a locally administered unicast address; 4c:42 is "LB"
  return { index, name: `node${index}`, mac: `02:4c:42:00:00:${index.toString(16).padStart(2, '0')}`, address: `10.10.0.${10 + index}`, machineId };
}

/** A fresh random machine-id (what systemd-machine-id-setup would write). */
export function randomMachineId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** /etc/hosts lines naming every node a cluster can have (one started later resolves too). */
export function hostsLines(): string {
  return Array.from({ length: MAX_NODES }, (_, i) => `10.10.0.${11 + i} node${i + 1} # labbox-cluster`).join('\n');
}

/**
 * The shell script that gives a restored guest its identity. The default route through eth0
 * lets `docker swarm init` and `join` pick the cluster address without --advertise-addr.
 */
export function identityScript(node: NodeIdentity): string {
  return [
    'set -e',
    `hostname ${node.name}`,
    `echo ${node.name} > /etc/hostname`,
    `echo ${node.machineId} > /etc/machine-id`,
    // its own name resolves to its cluster address, as its peers see it (not 127.0.1.1)
    `sed -i -e '/# labbox-cluster$/d' -e '/^127\\.0\\.1\\.1 /d' /etc/hosts`,
    `cat >> /etc/hosts <<'EOF'\n${hostsLines()}\nEOF`,
    'ip link set eth0 down',
    `ip link set eth0 address ${node.mac}`,
    'ip addr flush dev eth0',
    `ip addr add ${node.address}/24 dev eth0`,
    'ip link set eth0 up',
    'ip route replace default dev eth0',
  ].join('\n');
}

type Exec = (script: string, timeoutMs: number) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

/**
 * Runs the identity script through a guest's agent; throws an Error naming the node and the
 * reason. The first commands after a restore are the slow ones (nothing compiled yet), and
 * other guests may share the CPU: hence the long limit.
 */
export async function applyIdentity(exec: Exec, node: NodeIdentity): Promise<void> {
  const r = await exec(identityScript(node), 180_000).catch((error: Error) => ({ exitCode: -1, stdout: '', stderr: error.message }));
  if (r.exitCode !== 0) throw new Error(`${node.name} could not take its name and address: ${(r.stderr || r.stdout).trim()}`);
}
