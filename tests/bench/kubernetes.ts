/**
 * Kubernetes 1.20's control plane in one guest (docs/kubernetes.md): etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler from the extras disk, started with the low-idle
 * flags below, each timed to healthy inside the guest; memory per process; idle CPU (a shell
 * loop's rate against the guest at rest, the processes' ticks, /proc/stat, the emulator's
 * instructions and host CPU); `kubectl` round trips; a Deployment's pods; then, with
 * --kubelet, kubelet on the guest's Docker (dockershim) to a Ready node and a Running pod.
 * Alone: `npx tsx tests/bench/kubernetes.ts [--kubelet] [--idle SECONDS] [--default-flags]`
 * (--default-flags drops the apiserver's and controller manager's levers, not GO_ENV).
 * Needs openssl on the host (the serving certificate and the service-account key).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { NodeVM } from '../../src/vm/node-vm';

/** The Go runtime settings of every Kubernetes program and etcd: one P (one emulated core), fewer collections. */
export const GO_ENV = 'GOMAXPROCS=1 GOGC=400';

/** etcd: one member on loopback, Raft's ticks 5 times slower than the defaults (the etcd lab's). */
export const ETCD_FLAGS = [
  '--name cp --data-dir /var/lib/k8s-etcd',
  '--listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379',
  '--listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster cp=http://127.0.0.1:2380',
  '--heartbeat-interval 500 --election-timeout 5000',
].join(' ');

/** The API groups the course uses, and those the controllers and kubelet need. */
const RUNTIME_CONFIG = [
  'api/all=false',
  'api/v1=true',
  'apps/v1=true',
  'rbac.authorization.k8s.io/v1=true',
  'coordination.k8s.io/v1=true',
  'discovery.k8s.io/v1beta1=true',
  'authentication.k8s.io/v1=true',
  'authorization.k8s.io/v1=true',
  'apiregistration.k8s.io/v1=true',
  'batch/v1=true',
  'events.k8s.io/v1=true',
  'apiextensions.k8s.io/v1=true',
  'scheduling.k8s.io/v1=true',
  'storage.k8s.io/v1=true',
  'policy/v1beta1=true',
  'networking.k8s.io/v1=true',
  'certificates.k8s.io/v1=true',
  'autoscaling/v1=true',
].join(',');

const APISERVER_COMMON = [
  '--etcd-servers=http://127.0.0.1:2379 --bind-address=127.0.0.1 --secure-port=6443',
  '--tls-cert-file=/root/k8s/apiserver.crt --tls-private-key-file=/root/k8s/apiserver.key',
  '--token-auth-file=/root/k8s/tokens.csv --authorization-mode=AlwaysAllow',
  '--service-cluster-ip-range=10.96.0.0/24 --service-account-issuer=https://kubernetes.default.svc',
  '--service-account-key-file=/root/k8s/sa.pub --service-account-signing-key-file=/root/k8s/sa.key',
].join(' ');

/** The low-idle levers (docs/kubernetes.md): no priority and fairness, the admission plugins and API groups a lab uses. */
const APISERVER_LEAN = [
  '--enable-priority-and-fairness=false --profiling=false',
  '--enable-admission-plugins=NamespaceLifecycle,ServiceAccount',
  '--disable-admission-plugins=StorageObjectInUseProtection,DefaultStorageClass,DefaultTolerationSeconds,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota,Priority,PersistentVolumeClaimResize,RuntimeClass,CertificateApproval,CertificateSigning,CertificateSubjectRestriction,TaintNodesByCondition,LimitRanger',
  `--runtime-config=${RUNTIME_CONFIG}`,
].join(' ');

/** No secure ports (no certificate to make at start); the insecure ones that `kubectl get componentstatuses` reads in 1.20 stay. */
const CONTROLLER_MANAGER_COMMON =
  '--kubeconfig=/root/k8s/kubeconfig --leader-elect=false --secure-port=0 --service-account-private-key-file=/root/k8s/sa.key --root-ca-file=/root/k8s/apiserver.crt --use-service-account-credentials=false';
const CONTROLLER_MANAGER_LEAN =
  '--profiling=false --controllers=deployment,replicaset,replicationcontroller,endpoint,endpointslice,serviceaccount,serviceaccount-token,namespace,garbagecollector,nodelifecycle,podgc';
const SCHEDULER_FLAGS = '--kubeconfig=/root/k8s/kubeconfig --leader-elect=false --secure-port=0';

/** kubelet 1.20 on the guest's Docker (dockershim), cgroup v2 without systemd, no swap accounting, no node allocatable. */
const KUBELET_FLAGS = [
  '--kubeconfig=/root/k8s/kubeconfig --container-runtime=docker --cgroup-driver=cgroupfs --fail-swap-on=false',
  "--cgroups-per-qos=false --enforce-node-allocatable='' --pod-infra-container-image=labbox/pause:3.2",
  "--eviction-hard='memory.available<5Mi,nodefs.available<1%,imagefs.available<1%' --image-gc-high-threshold=100 --image-gc-low-threshold=99",
  '--root-dir=/var/lib/kubelet --read-only-port=0',
].join(' ');

const TOKEN = 'labbox-admin-token';

/** A self-signed ECDSA serving certificate for the apiserver and an ECDSA service-account key (cheaper than RSA in the emulator). */
function credentials(): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'labbox-k8s-'));
  try {
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'apiserver.key',
      '-out',
      'apiserver.crt',
      '-days',
      '3650',
      '-subj',
      '/CN=kube-apiserver',
      '-addext',
      'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
    );
    ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sa.key');
    ssl('ec', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
    const files: Record<string, string> = {};
    for (const f of ['apiserver.crt', 'apiserver.key', 'sa.key', 'sa.pub']) files[f] = readFileSync(path.join(dir, f), 'utf8');
    files['tokens.csv'] = `${TOKEN},admin,admin,system:masters\n`;
    files.kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: labbox, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: ${TOKEN}}}]
contexts: [{name: labbox, context: {cluster: labbox, user: admin}}]
current-context: labbox
`;
    return files;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Shell helpers every step sources: timestamps, a process's CPU ticks and memory, the guest's CPU counters, waits, the API. */
const HELPERS = `
now() { date +%s.%N; }
since() { awk -v a=$1 -v b=$(now) 'BEGIN{printf "%.1f", b-a}'; }
pidof1() { cat /run/k8s-$1.pid; }
ticks() { awk '{print $14+$15}' /proc/$(pidof1 $1)/stat; }
mem() { p=$(pidof1 $1); printf '%s rss=%s pss=%s\\n' $1 $(awk '/^VmRSS/{print $2}' /proc/$p/status) $(awk '/^Pss:/{print $2}' /proc/$p/smaps_rollup); }
cpustat() { awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat; }
# wait_for LIMIT COMMAND...: retries every second, at most LIMIT times
wait_for() { n=$1; shift; until "$@" >/dev/null 2>&1; do n=$((n-1)); [ $n -gt 0 ] || return 1; sleep 1; done; }
api() { curl -sk -H "Authorization: Bearer ${TOKEN}" "https://127.0.0.1:6443$1"; }
start() { name=$1; shift; env ${GO_ENV} "$@" >/var/log/k8s/$name.log 2>&1 & echo $! >/run/k8s-$name.pid; }
`;

interface Options {
  kubelet: boolean;
  idleSeconds: number;
  lean: boolean;
}

/** Runs the probe, printing each figure as a line "FIGURE name value" (and the guest's output) as it comes. */
export async function probeKubernetes(vm: NodeVM, o: Options, log: (line: string) => void = console.log): Promise<Record<string, string>> {
  const figures: Record<string, string> = {};
  const step = async (title: string, script: string, timeoutS: number) => {
    log(`\n== ${title}`);
    const t = Date.now();
    const r = await vm.exec(`${HELPERS}\n${script}`, {
      timeoutMs: timeoutS * 1000,
      onStdout: (c) => process.stdout.write(c),
      onStderr: (c) => process.stderr.write(c),
    });
    for (const m of r.stdout.matchAll(/^FIGURE (\S+) (.*)$/gm)) figures[m[1]] = m[2];
    log(`-- ${title}: exit ${r.exitCode} after ${((Date.now() - t) / 1000).toFixed(1)} s (host clock)`);
    return r.exitCode;
  };
  /**
   * An idle window measured three ways: the guest's /proc/stat (busy = not idle nor iowait) and
   * its processes' ticks against its uptime, and on the host the emulator's executed guest
   * instructions and this Node process's CPU time (the host core the machine takes).
   */
  const idleWindow = async (label: string, seconds: number, procs: string[]) => {
    const sample = async () => {
      const r = await vm.exec(`${HELPERS}\nawk '{print $1}' /proc/uptime; cpustat; for n in ${procs.join(' ')}; do ticks $n; done`, { timeoutMs: 120_000 });
      return r.stdout.trim().split(/\s+/).map(Number);
    };
    const count = (vm.emulator as unknown as { get_instruction_counter(): number }).get_instruction_counter.bind(vm.emulator);
    const a = await sample();
    // the counter wraps at 2^32 (tens of seconds of guest work): summed second by second
    let instructions = 0;
    let last = count();
    const tick = setInterval(() => {
      const now = count();
      instructions += (now - last + 2 ** 32) % 2 ** 32;
      last = now;
    }, 1000);
    const [c0, w0] = [process.cpuUsage(), Date.now()];
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    clearInterval(tick);
    instructions += (count() - last + 2 ** 32) % 2 ** 32;
    const [c1, w1] = [process.cpuUsage(c0), Date.now()];
    const b = await sample();
    const uptime = b[0] - a[0];
    const [total, idle] = [b[1] - a[1], b[2] - a[2]];
    const wall = (w1 - w0) / 1000;
    figures[`${label}_guest_busy_pct`] = ((100 * (total - idle)) / total).toFixed(1);
    figures[`${label}_guest_ticks_per_uptime_s`] = (total / uptime).toFixed(1);
    procs.forEach((n, k) => (figures[`${label}_pct_${n}`] = ((b[3 + k] - a[3 + k]) / uptime).toFixed(1)));
    figures[`${label}_host_mips`] = (instructions / wall / 1e6).toFixed(1);
    figures[`${label}_host_cpu_pct`] = ((100 * (c1.user + c1.system)) / 1e6 / wall).toFixed(1);
    log(`${label}: ${JSON.stringify(Object.fromEntries(Object.entries(figures).filter(([k]) => k.startsWith(label))))}`);
  };
  /**
   * What a trainee's command keeps: a shell loop counting for 30 s of guest time, its count per
   * second of guest time and per second of host CPU the emulator used meanwhile (the second
   * barely moves with the host's load; the first does).
   */
  const loopWindow = async (label: string) => {
    const c0 = process.cpuUsage();
    const r = await vm.exec(`timeout 30 sh -c 'trap "echo \\$i; exit 0" TERM; i=0; while :; do i=$((i+1)); done'`, { timeoutMs: 300_000 });
    const c1 = process.cpuUsage(c0);
    const iterations = Number(r.stdout.trim());
    figures[`${label}_loop_per_guest_s`] = (iterations / 30).toFixed(0);
    figures[`${label}_loop_per_host_cpu_s`] = (iterations / ((c1.user + c1.system) / 1e6)).toFixed(0);
    log(`${label} loop: ${iterations} iterations in 30 s, ${figures[`${label}_loop_per_host_cpu_s`]} per host CPU-second`);
  };
  const files = credentials();
  const write = Object.entries(files)
    .map(([name, text]) => `cat >/root/k8s/${name} <<'EOF'\n${text.trimEnd()}\nEOF`)
    .join('\n');
  await step(
    'set-up: credentials, versions, memory before',
    `mkdir -p /root/k8s /root/.kube /var/log/k8s
${write}
chmod 600 /root/k8s/*.key; cp /root/k8s/kubeconfig /root/.kube/config
t=$(now); kube-apiserver --version; echo "FIGURE version_seconds $(since $t)"
t=$(now); kubectl version --client --short; echo "FIGURE kubectl_client_seconds $(since $t)"
free -m; echo "FIGURE mem_available_before_mib $(awk '/MemAvailable/{print int($2/1024)}' /proc/meminfo)"
docker images --format '{{.Repository}}:{{.Tag}}' | tr '\\n' ' '; echo`,
    600,
  );
  await idleWindow('before', 60, []);
  await loopWindow('before');
  const apiFlags = `${APISERVER_COMMON}${o.lean ? ` ${APISERVER_LEAN}` : ''}`;
  const cmFlags = `${CONTROLLER_MANAGER_COMMON}${o.lean ? ` ${CONTROLLER_MANAGER_LEAN}` : ''}`;
  await step(
    'etcd and kube-apiserver to /readyz',
    `t0=$(now); start etcd etcd ${ETCD_FLAGS}
etcd_ok() { curl -s http://127.0.0.1:2379/health | grep -q true; }
wait_for 600 etcd_ok || { tail -20 /var/log/k8s/etcd.log; exit 1; }
echo "FIGURE etcd_healthy_seconds $(since $t0)"
t0=$(now); start apiserver kube-apiserver ${apiFlags}
healthz() { api /healthz | grep -qx ok; }
readyz() { api /readyz | grep -qx ok; }
wait_for 1500 healthz || { tail -30 /var/log/k8s/apiserver.log; exit 1; }
echo "FIGURE apiserver_healthz_seconds $(since $t0)"
wait_for 600 readyz || { api '/readyz?verbose'; exit 1; }
echo "FIGURE apiserver_readyz_seconds $(since $t0)"
echo "FIGURE start_ticks_etcd $(ticks etcd)"; echo "FIGURE start_ticks_apiserver $(ticks apiserver)"
mem etcd; mem apiserver; free -m`,
    1800,
  );
  await step(
    'kube-controller-manager and kube-scheduler to healthy',
    `t0=$(now); start controller-manager kube-controller-manager ${cmFlags}
start scheduler kube-scheduler ${SCHEDULER_FLAGS}
sched_ok() { curl -s http://127.0.0.1:10251/healthz | grep -qx ok; }
cm_ok() { curl -s http://127.0.0.1:10252/healthz | grep -qx ok; }
sa_ok() { api /api/v1/namespaces/default/serviceaccounts/default | grep -q uid; }
wait_for 900 sched_ok || { tail -20 /var/log/k8s/scheduler.log; exit 1; }
echo "FIGURE scheduler_healthz_seconds $(since $t0)"
wait_for 900 cm_ok || { tail -20 /var/log/k8s/controller-manager.log; exit 1; }
echo "FIGURE controller_manager_healthz_seconds $(since $t0)"
# the default service account appears once the controllers run
wait_for 900 sa_ok && echo "FIGURE default_serviceaccount_seconds $(since $t0)"
for n in etcd apiserver controller-manager scheduler; do echo "FIGURE start_ticks_$n $(ticks $n)"; done`,
    1800,
  );
  await step(
    'kubectl round trips, settled memory, idle CPU',
    `for i in 1 2 3; do t=$(now); kubectl get pods >/dev/null 2>&1; echo "kubectl get pods: $(since $t) s"; done
t=$(now); kubectl get componentstatuses; echo "FIGURE kubectl_componentstatuses_seconds $(since $t)"
sleep 30
for n in etcd apiserver controller-manager scheduler; do m=$(mem $n); echo "FIGURE mem_$n $m"; done
free -m; echo "FIGURE mem_available_cp_mib $(awk '/MemAvailable/{print int($2/1024)}' /proc/meminfo)"
`,
    600,
  );
  await idleWindow('cp', o.idleSeconds, ['etcd', 'apiserver', 'controller-manager', 'scheduler']);
  await loopWindow('cp');
  await step(
    'kubectl get pods (median of 5), a Deployment of 2 replicas to its pods (Pending: no node)',
    `for i in 1 2 3 4 5; do t=$(now); kubectl get pods >/dev/null 2>&1; since $t; echo; done | sort -n | sed -n 3p | sed 's/^/FIGURE kubectl_get_pods_median_seconds /'
# the guest's nginx image is nginx:latest, which kubelet pulls again by default (and there is no registry to pull from)
t0=$(now); kubectl create deployment web --image=nginx --replicas=2 --dry-run=client -o yaml | sed 's/^\\( *\\)- image: nginx$/&\\n\\1  imagePullPolicy: IfNotPresent/' | kubectl create -f -
echo "FIGURE kubectl_create_deployment_seconds $(since $t0)"
pending2() { [ "$(api '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb' | grep -c '"phase": "Pending"')" = 2 ]; }
wait_for 600 pending2 && echo "FIGURE deployment_to_2_pending_pods_seconds $(since $t0)"
kubectl get deployments,replicasets,pods -o wide`,
    900,
  );
  if (o.kubelet) {
    await step(
      'kubelet on Docker (dockershim) to a Ready node',
      `docker image inspect labbox/pause:3.2 >/dev/null 2>&1 || printf 'FROM busybox\\nCMD ["sleep", "2147483647"]\\n' | docker build -q -t labbox/pause:3.2 - 
docker info --format 'docker cgroup driver {{.CgroupDriver}}, cgroup v{{.CgroupVersion}}'
pidof dockerd >/run/k8s-dockerd.pid; pidof containerd >/run/k8s-containerd.pid
mkdir -p /var/lib/kubelet
t0=$(now); start kubelet kubelet ${KUBELET_FLAGS}
ready() { api /api/v1/nodes | tr -d ' \\n' | grep -q '"type":"Ready","status":"True"'; }
registered() { api /api/v1/nodes | grep -q '"nodeInfo"'; }
dead() { ! kill -0 $(pidof1 kubelet) 2>/dev/null; }
registered_or_dead() { registered || dead; }
ready_or_dead() { ready || dead; }
errors() { grep -E '^[EF][0-9]{4}' /var/log/k8s/kubelet.log | cut -c1-400 | sed 's/^[EF][0-9]* [0-9:.]* *[0-9]* //' | sort | uniq -c | sort -rn | head -25; }
n=0; until registered_or_dead || [ $n -ge 20 ]; do sleep 15; n=$((n+1)); echo "$(since $t0) s: kubelet $(dead && echo exited || echo running), $(wc -l </var/log/k8s/kubelet.log) log lines"; errors | head -3; done
registered && echo "FIGURE kubelet_node_registered_seconds $(since $t0)"
wait_for 300 ready_or_dead; ready && echo "FIGURE kubelet_node_ready_seconds $(since $t0)"; echo $(now) >/run/k8s-ready.time
echo "FIGURE start_ticks_kubelet $(ticks kubelet)"
kill -0 $(pidof1 kubelet) 2>/dev/null || echo "FIGURE kubelet_exited yes"
kubectl get nodes -o wide
echo "kubelet started $(date -d @\${t0%.*} +%T)"; grep -m1 -E 'Successfully registered node|Unable to register node' /var/log/k8s/kubelet.log | cut -c1-200
errors; tail -5 /var/log/k8s/kubelet.log | cut -c1-400
echo "FIGURE mem_kubelet $(mem kubelet)"; free -m`,
      1500,
    );
    if (figures.kubelet_node_ready_seconds === undefined) {
      if (figures.kubelet_exited === undefined) await idleWindow('kubelet', o.idleSeconds, ['etcd', 'apiserver', 'controller-manager', 'scheduler', 'kubelet']);
      return figures;
    }
    await step(
      'a pod on the node to Running, idle with kubelet',
      `tready=$(cat /run/k8s-ready.time); t0=$(now); kubectl run probe --image=busybox --image-pull-policy=IfNotPresent --restart=Never -- sleep 3600
running() { api /api/v1/namespaces/default/pods/probe | grep -q '"phase": "Running"'; }
wait_for 300 running && echo "FIGURE pod_running_seconds $(since $t0)"
web2() { api /apis/apps/v1/namespaces/default/deployments/web | grep -q '"availableReplicas": 2'; }
wait_for 300 web2 && echo "FIGURE deployment_available_after_ready_seconds $(since $tready)"
kubectl get pods -o wide; docker ps --format '{{.Names}} {{.Image}} {{.Status}}'
kubectl describe pod probe | tail -15
for n in etcd apiserver controller-manager scheduler kubelet; do echo "FIGURE mem_final_$n $(mem $n)"; done
free -m; echo "FIGURE mem_available_final_mib $(awk '/MemAvailable/{print int($2/1024)}' /proc/meminfo)"`,
      1200,
    );
    await idleWindow('kubelet', o.idleSeconds, ['etcd', 'apiserver', 'controller-manager', 'scheduler', 'kubelet', 'dockerd', 'containerd']);
    await loopWindow('kubelet');
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { kubelet: { type: 'boolean', default: false }, idle: { type: 'string', default: '120' }, 'default-flags': { type: 'boolean', default: false } },
  });
  const t = Date.now();
  const vm = await NodeVM.start();
  console.log(`restored in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  try {
    const figures = await probeKubernetes(vm, { kubelet: values.kubelet, idleSeconds: Number(values.idle), lean: !values['default-flags'] });
    console.log(`\nFIGURES ${JSON.stringify(figures, null, 1)}`);
  } finally {
    await vm.stop();
  }
  process.exit(0);
}
