/**
 * Swarm's steps against the deadlines dockerd gives them (docs/design/swarm-deadlines.md), in one
 * guest: `docker swarm init`, `docker service create --replicas 2` to both tasks running,
 * `docker service rm`, `docker swarm leave --force` 2 s after it (as typed: the tasks' stops are
 * under way, the case where the leave waits for them), each timed inside the guest, cycle after
 * cycle on a fresh restore.
 * Part of `npm run bench`; alone: `npx tsx tests/bench/swarm.ts [cycles]`.
 */
import { pathToFileURL } from 'node:url';
import { NodeVM } from '../../src/vm/node-vm';

export const SWARM_CYCLES = 10;

/** the budget of each step in dockerd 26.1 (daemon/cluster), in seconds */
export const SWARM_DEADLINES = {
  /** initClusterSpec: the control socket, ListClusters and UpdateCluster after the node is ready */
  init: 5,
  /** swarmRequestTimeout: every control-API request */
  rm: 20,
  /** nodeRunner.Stop: the swarmkit node's stop, its tasks' stop included */
  leave: 15,
};

export interface SwarmFigures {
  /** seconds, one entry per cycle */
  init: number[];
  createToRunning: number[];
  rm: number[];
  leave: number[];
  /** the part of each leave under its 15-s budget: the API call to the swarmkit node shut down (dockerd's debug log) */
  nodeStop: number[];
  /** cycles whose leave waited for a task's stop grace period (dockerd logged "failed to exit within") */
  graceWaits: number;
  /** "cycle N step: error" for each command that failed */
  failures: string[];
}

/**
 * The task of each replica: busybox's `sleep` as PID 1 ignores SIGTERM, so without `--init` each
 * task takes its whole 10-s stop grace period; `--init` (docker-init as PID 1) passes SIGTERM on.
 */
export const swarmService = (init: boolean) => `docker service create --detach${init ? ' --init' : ''} --name sleepers --replicas 2 busybox sleep 3600`;

/** Runs `cycles` cycles in the guest; a failed step is recorded and the cycle goes on. */
export async function measureSwarm(vm: NodeVM, cycles: number, init: boolean): Promise<SwarmFigures> {
  // dockerd's debug log (SIGHUP reloads it) dates the leave's call and the swarmkit node's end
  const script = `
sed -i 's/^{/{ "debug": true,/' /etc/docker/daemon.json && kill -HUP $(pidof dockerd) && sleep 2
t() { date +%s.%N; }
d() { awk -v a=$1 -v b=$2 'BEGIN{printf "%.2f", b-a}'; }
step() { name=$1; shift; "$@" >/dev/null 2>/tmp/swarm-step.err || echo "FAIL $i $name: $(tr '\\n' ' ' </tmp/swarm-step.err)"; }
for i in $(seq 1 ${cycles}); do
  t0=$(t); step init docker swarm init --advertise-addr eth0
  t1=$(t); step create ${swarmService(init)}
  n=0; until [ "$(docker service ls --filter name=sleepers --format '{{.Replicas}}')" = 2/2 ] || [ $n -ge 300 ]; do sleep 1; n=$((n + 1)); done
  L=$(stat -c %s /var/log/dockerd.log)
  t2=$(t); step rm docker service rm sleepers
  t3=$(t); sleep 2
  t4=$(t); step leave docker swarm leave --force
  t5=$(t); echo "CYCLE $(d $t0 $t1) $(d $t1 $t2) $(d $t2 $t3) $(d $t4 $t5)"
  tail -c +$((L + 1)) /var/log/dockerd.log | grep -E 'Calling POST /v[0-9.]+/swarm/leave|msg="Manager shut down"|failed to exit within' | sed -n 's/^time="\\([^"]*\\)".*msg="\\([A-Za-z ]*\\).*/LOG \\1 \\2/p'
  n=0; until [ -z "$(docker ps -aq)" ] || [ $n -ge 120 ]; do sleep 1; n=$((n + 1)); done
done`;
  const r = await vm.exec(script, { timeoutMs: cycles * 600_000 });
  const figures: SwarmFigures = { init: [], createToRunning: [], rm: [], leave: [], nodeStop: [], graceWaits: 0, failures: [] };
  const at = (iso: string) => Date.parse(iso.replace(/(\.\d{3})\d*Z$/, '$1Z'));
  let leaveCalled = 0;
  let waited = false;
  for (const line of r.stdout.split('\n')) {
    const logged = /^LOG (\S+) (.*)$/.exec(line);
    if (logged) {
      const [, time, what] = logged;
      if (what.startsWith('Calling POST')) leaveCalled = at(time);
      else if (what.startsWith('Container failed to exit') && !waited) {
        waited = true;
        figures.graceWaits++;
      } else if (what === 'Manager shut down' && leaveCalled) {
        figures.nodeStop.push((at(time) - leaveCalled) / 1000);
        leaveCalled = 0;
      }
      continue;
    }
    if (line.startsWith('CYCLE ')) waited = false;
    const cycle = /^CYCLE (\S+) (\S+) (\S+) (\S+)$/.exec(line);
    if (cycle) {
      const [init, create, rm, leave] = cycle.slice(1).map(Number);
      figures.init.push(init);
      figures.createToRunning.push(create);
      figures.rm.push(rm);
      figures.leave.push(leave);
    } else if (line.startsWith('FAIL ')) figures.failures.push(line.slice(5));
  }
  if (figures.init.length !== cycles) throw new Error(`the Swarm cycles stopped after ${figures.init.length} of ${cycles}: ${r.stderr}`);
  return figures;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (x: number) => `${x.toFixed(1)} s`;

/** "median / slowest" of one step */
export const medianAndSlowest = (xs: number[]) => (xs.length ? `${seconds(median(xs))} / ${seconds(Math.max(...xs))}` : 'n/a');

/** The benchmark's rows for one run of measureSwarm. */
export function swarmRows(f: SwarmFigures, label: string): { what: string; value: string; goal?: string }[] {
  const n = f.init.length;
  return [
    {
      what: `Swarm ${label}: \`docker swarm init\`, median / slowest of ${n}`,
      value: medianAndSlowest(f.init),
      goal: `< ${SWARM_DEADLINES.init} s after the node is ready (the cluster spec's deadline)`,
    },
    { what: `Swarm ${label}: \`docker service create --replicas 2\` to both tasks running`, value: medianAndSlowest(f.createToRunning) },
    { what: `Swarm ${label}: \`docker service rm\``, value: medianAndSlowest(f.rm), goal: `< ${SWARM_DEADLINES.rm} s` },
    { what: `Swarm ${label}: \`docker swarm leave --force\` 2 s after the rm, the whole command`, value: medianAndSlowest(f.leave) },
    {
      what: `Swarm ${label}: that leave's part under its deadline (the call to the swarmkit node shut down; cycles that waited for a task's stop grace)`,
      value: `${medianAndSlowest(f.nodeStop)} (${f.graceWaits} of ${n})`,
      goal: `< ${SWARM_DEADLINES.leave} s`,
    },
    { what: `Swarm ${label}: commands that failed`, value: f.failures.length ? f.failures.join('; ') : 'none', goal: 'none' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cycles = Number(process.argv[2] ?? SWARM_CYCLES);
  for (const init of [true, false]) {
    const vm = await NodeVM.start();
    try {
      const t = Date.now();
      const f = await measureSwarm(vm, cycles, init);
      console.log(`${init ? 'with --init' : 'without --init'} (${Math.round((Date.now() - t) / 1000)} s): ${JSON.stringify(f)}`);
      for (const row of swarmRows(f, init ? 'tasks with --init' : 'tasks without --init')) console.log(`| ${row.what} | ${row.value} | ${row.goal ?? ''} |`);
    } finally {
      await vm.stop();
    }
  }
  process.exit(0);
}
