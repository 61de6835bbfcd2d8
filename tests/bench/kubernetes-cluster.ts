/**
 * Kubernetes on two machines (docs/kubernetes.md#worker-nodes), as the `kubernetes-cluster` lab
 * meets it: node1 the Kubernetes machine, node2 a default machine that joins it as a worker;
 * the join, a NodePort answering on both nodes, a node lost to its pods made again on node1,
 * the node back; what the worker at rest leaves a trainee's command (a shell loop's rate on
 * node2 before and after the join, same run) and its memory.
 * Part of `npm run bench`; alone: `npx tsx tests/bench/kubernetes-cluster.ts [--image DIR]`.
 */
import { runAlone, type BenchRow } from './run-alone';
import { NodeCluster } from '../../src/cluster/node-cluster';
import { loopRate, LOOP_SECONDS } from './kubernetes-machine';

export interface KubernetesClusterFigures {
  /** seconds: `labbox-kubernetes join` to the worker Ready; a Deployment of 2 to Running; the Service's first answer on each node */
  join: number;
  deploymentRunning: number;
  nodePort: number;
  /** seconds from node2's link down to its pod deleted and the Deployment at 2 ready again; from the link up to node2 Ready */
  lost: number;
  back: number;
  /** node2's shell-loop iterations per guest second before and after the join */
  loopBefore: number;
  loopWorker: number;
  memAvailableMiB: number;
}

const STEPS = `
t() { date +%s.%N; }
d() { awk -v a=$1 -v b=$2 'BEGIN{printf "%.2f", b-a}'; }`;

export async function measureKubernetesCluster(imageDir?: string, log: (m: string) => void = () => {}): Promise<KubernetesClusterFigures> {
  log('a cluster: node1 the kubernetes machine, node2 a default one');
  const cluster = await NodeCluster.start(2, { imageDir }, 'kubernetes');
  const [node1, node2] = [cluster.node('node1'), cluster.node('node2')];
  const run = async (vm: typeof node1, script: string) => {
    const r = await vm.exec(`${STEPS}\n${script}`, { timeoutMs: 1_200_000 });
    if (r.exitCode !== 0) throw new Error(`the cluster's measures failed: ${r.stdout}${r.stderr}`);
    return (tag: string) => Number(r.stdout.match(new RegExp(`^${tag} (\\S+)$`, 'm'))?.[1]);
  };
  try {
    log('node2 at rest before it joins: a shell loop');
    const loopBefore = await loopRate(node2);
    log('the join');
    const join = (await node1.exec('labbox-kubernetes token', { timeoutMs: 300_000 })).stdout.trim();
    const joined = await run(node2, `a=$(t); ${join} >/dev/null; echo "JOIN $(d $a $(t))"`);
    log('a Deployment, a NodePort Service');
    const served = await run(
      node1,
      `a=$(t); kubectl create deployment hello --image=nginx:1.26 --replicas=2 >/dev/null
until [ "$(kubectl get deployment hello -o 'jsonpath={.status.readyReplicas}')" = 2 ]; do sleep 1; done; echo "DEPLOYMENT $(d $a $(t))"
a=$(t); kubectl expose deployment hello --type=NodePort --port=80 >/dev/null
port=$(kubectl get service hello -o 'jsonpath={.spec.ports[0].nodePort}')
until curl -sf -m 10 "node1:$port" >/dev/null && curl -sf -m 10 "node2:$port" >/dev/null; do sleep 1; done; echo "NODEPORT $(d $a $(t))"`,
    );
    log('node2 at rest as a worker: a shell loop, its memory');
    const loopWorker = await loopRate(node2);
    const memAvailableMiB = Number((await node2.exec(`awk '/MemAvailable/{print int($2/1024)}' /proc/meminfo`)).stdout.trim());
    log('node2 lost');
    await node2.exec('ip link set eth0 down');
    const lost = await run(
      node1,
      `a=$(t)
until kubectl get events --field-selector reason=TaintManagerEviction -o name | grep -q . && [ "$(kubectl get deployment hello -o 'jsonpath={.status.readyReplicas}')" = 2 ]; do sleep 2; done
echo "LOST $(d $a $(t))"`,
    );
    log('node2 back');
    await node2.exec('ip link set eth0 up');
    const back = await run(
      node1,
      `a=$(t); until kubectl get node node2 -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' | grep -qx True; do sleep 2; done; echo "BACK $(d $a $(t))"`,
    );
    return {
      join: joined('JOIN'),
      deploymentRunning: served('DEPLOYMENT'),
      nodePort: served('NODEPORT'),
      lost: lost('LOST'),
      back: back('BACK'),
      loopBefore,
      loopWorker,
      memAvailableMiB,
    };
  } finally {
    await cluster.stop();
  }
}

/** The benchmark's rows for one run. */
export function kubernetesClusterRows(f: KubernetesClusterFigures): BenchRow[] {
  return [
    { what: 'Kubernetes cluster: `labbox-kubernetes join` on node2 to the worker Ready', value: `${f.join.toFixed(0)} s` },
    {
      what: 'Kubernetes cluster: a Deployment of 2 to both ready / the NodePort answering on both nodes',
      value: `${f.deploymentRunning.toFixed(1)} s / ${f.nodePort.toFixed(1)} s`,
      goal: '≤ 30 s',
    },
    { what: 'Kubernetes cluster: node2 cut off to its pod deleted and made again on node1', value: `${f.lost.toFixed(0)} s` },
    { what: 'Kubernetes cluster: node2 back to Ready', value: `${f.back.toFixed(0)} s` },
    {
      what: `Kubernetes cluster: the worker at rest, a shell loop's rate against the same machine's before the join (${LOOP_SECONDS} s each)`,
      value: `${((100 * f.loopWorker) / f.loopBefore).toFixed(0)} % (${f.loopWorker.toFixed(0)} / ${f.loopBefore.toFixed(0)} per guest second)`,
      goal: '≥ 70 %',
    },
    { what: 'Kubernetes cluster: the worker at rest, MemAvailable (512 MiB guest)', value: `${f.memAvailableMiB} MiB` },
  ];
}

await runAlone(import.meta.url, measureKubernetesCluster, kubernetesClusterRows);
