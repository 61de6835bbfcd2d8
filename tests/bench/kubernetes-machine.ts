/**
 * The `kubernetes` machine (docs/kubernetes.md) as the lab meets it: restored to its node
 * `Ready`, the page's warm-up (src/vm/warm-up.ts), `kubectl get pods`, a Deployment of two replicas to both Running, a deleted pod
 * replaced, and what the cluster at rest leaves a trainee's command (a shell loop's rate against
 * the default machine's, measured in the same run), with its memory.
 * Part of `npm run bench`; alone: `npx tsx tests/bench/kubernetes-machine.ts [--image DIR]`.
 */
import { runAlone, type BenchRow } from './run-alone';
import { NodeVM } from '../../src/vm/node-vm';
import { KUBERNETES_WARM_UP, warmUp } from '../../src/vm/warm-up';

export interface KubernetesFigures {
  /** restore to the agent answering, then to `kubectl get nodes` typed at once saying Ready, ms */
  restoreMs: number;
  readyMs: number;
  /** the rest of the page's warm-up after that, ms */
  warmUpMs: number;
  /** seconds */
  getPods: number[];
  deploymentRunning: number;
  podReplaced: number;
  /** shell-loop iterations per guest second: the default machine at rest, this one at rest */
  loopDefault: number;
  loopKubernetes: number;
  memAvailableMiB: number;
  /** the node's events of the restore: `NodeNotReady` and the like, as "reason" lines */
  nodeEvents: string[];
}

export const LOOP_SECONDS = 30;
/** a shell loop counting for LOOP_SECONDS of guest time: what a trainee's command gets */
const LOOP = `timeout ${LOOP_SECONDS} sh -c 'trap "echo \\$i; exit 0" TERM; i=0; while :; do i=$((i+1)); done'`;

export async function loopRate(vm: Pick<NodeVM, 'exec'>): Promise<number> {
  const r = await vm.exec(LOOP, { timeoutMs: 300_000 });
  return Number(r.stdout.trim()) / LOOP_SECONDS;
}

/** Runs the measures on a fresh default machine and a fresh kubernetes machine, one after the other. */
export async function measureKubernetesMachine(imageDir?: string, log: (m: string) => void = () => {}): Promise<KubernetesFigures> {
  log('the default machine at rest: a shell loop');
  const plain = await NodeVM.start({ imageDir });
  const loopDefault = await loopRate(plain).finally(() => plain.stop());

  log('the kubernetes machine: restore to Ready');
  const t0 = Date.now();
  const vm = await NodeVM.start({ imageDir, machine: 'kubernetes' });
  const restoreMs = Date.now() - t0;
  try {
    // the page's warm-up first makes kubectl's cache current, as soon as the prompt shows
    const [cacheStep, ...rest] = KUBERNETES_WARM_UP;
    await warmUp(vm.agent, [cacheStep]);
    const ready = await vm.exec(
      `until kubectl get node labbox -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True; do sleep 0.5; done`,
      { timeoutMs: 600_000 },
    );
    if (ready.exitCode !== 0) throw new Error(`the node did not become Ready: ${ready.stderr}`);
    const readyMs = Date.now() - t0;
    log("the rest of the page's warm-up");
    const w0 = Date.now();
    await warmUp(vm.agent, rest);
    const warmUpMs = Date.now() - w0;
    log('kubectl get pods, a Deployment, a deleted pod');
    const script = `
t() { date +%s.%N; }
d() { awk -v a=$1 -v b=$2 'BEGIN{printf "%.2f", b-a}'; }
running() { [ "$(kubectl get pods -l app=bench --field-selector=status.phase=Running -o name | wc -l)" = 2 ]; }
for i in 1 2 3 4 5; do a=$(t); kubectl get pods >/dev/null 2>&1; echo "GET $(d $a $(t))"; done
a=$(t); kubectl create deployment bench --image=nginx:1.26 --replicas=2 >/dev/null
until running; do sleep 1; done; echo "DEPLOYMENT $(d $a $(t))"
victim=$(kubectl get pods -l app=bench -o name | head -1)
a=$(t); kubectl delete "$victim" --wait=false >/dev/null
until running && ! kubectl get "$victim" >/dev/null 2>&1; do sleep 1; done; echo "REPLACED $(d $a $(t))"
kubectl get events --field-selector involvedObject.kind=Node -o 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}' | sed 's/^/EVENT /'
kubectl delete deployment bench >/dev/null
until [ -z "$(kubectl get pods -l app=bench -o name)" ]; do sleep 1; done; sleep 20
awk '/MemAvailable/{print "MEM", int($2/1024)}' /proc/meminfo`;
    const r = await vm.exec(script, { timeoutMs: 1_200_000 });
    if (r.exitCode !== 0) throw new Error(`the Kubernetes measures failed: ${r.stderr}`);
    const values = (tag: string) => [...r.stdout.matchAll(new RegExp(`^${tag} (\\S+)$`, 'gm'))].map((m) => m[1]);
    log('the kubernetes machine at rest: a shell loop');
    const loopKubernetes = await loopRate(vm);
    return {
      restoreMs,
      readyMs,
      warmUpMs,
      getPods: values('GET').map(Number),
      deploymentRunning: Number(values('DEPLOYMENT')[0]),
      podReplaced: Number(values('REPLACED')[0]),
      loopDefault,
      loopKubernetes,
      memAvailableMiB: Number(values('MEM')[0]),
      nodeEvents: values('EVENT'),
    };
  } finally {
    await vm.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The benchmark's rows for one run. */
export function kubernetesRows(f: KubernetesFigures): BenchRow[] {
  const share = f.loopKubernetes / f.loopDefault;
  return [
    {
      what: "Kubernetes machine: restore to the agent answering / to `kubectl get nodes` typed at once saying Ready (after the warm-up's first step)",
      value: `${(f.restoreMs / 1000).toFixed(2)} s / ${(f.readyMs / 1000).toFixed(2)} s`,
      goal: 'Ready ≤ 5 s',
    },
    { what: `Kubernetes machine: the rest of the page's warm-up (${KUBERNETES_WARM_UP.length - 1} steps)`, value: `${(f.warmUpMs / 1000).toFixed(1)} s` },
    { what: "Kubernetes machine: the node's events after the restore", value: f.nodeEvents.length ? f.nodeEvents.join(', ') : 'none' },
    {
      what: 'Kubernetes machine: `kubectl get pods` after the warm-up (median of 5 / slowest)',
      value: `${median(f.getPods).toFixed(2)} s / ${Math.max(...f.getPods).toFixed(2)} s`,
      goal: '≤ 1.5 s',
    },
    { what: 'Kubernetes machine: `kubectl create deployment --replicas=2` to both Running', value: `${f.deploymentRunning.toFixed(1)} s`, goal: '≤ 30 s' },
    { what: 'Kubernetes machine: a deleted pod replaced and Running', value: `${f.podReplaced.toFixed(1)} s` },
    {
      what: `Kubernetes machine at rest: a shell loop's rate against the default machine's (same run; ${LOOP_SECONDS} s each)`,
      value: `${(100 * share).toFixed(0)} % (${f.loopKubernetes.toFixed(0)} / ${f.loopDefault.toFixed(0)} per guest second)`,
      goal: '≥ 70 %',
    },
    { what: 'Kubernetes machine at rest: MemAvailable (512 MiB guest)', value: `${f.memAvailableMiB} MiB` },
  ];
}

await runAlone(import.meta.url, measureKubernetesMachine, kubernetesRows);
