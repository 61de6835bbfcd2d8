/**
 * `npm run bench`: speed and size of the guest, one emulator at a time, in one run.
 * Prints a Markdown table and writes it into docs/benchmark.md between the bench markers.
 * Figures from a shared 2-core machine are noisy: compare the ratios measured in the same run.
 * Options: --quick (skip the cold boots), --image DIR, --compare DIR (another image, e.g. of
 * another Debian suite: its restore and Docker figures are measured in the same run),
 * --jit PAGES,BLOCKS[,THRESHOLD] (the same image with other JIT settings, in the same run;
 * THRESHOLD 200000 is v86's own).
 */
import { execFileSync } from 'node:child_process';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs } from 'node:util';
import type { AgentClient } from '../../src/vm/agent-client';
import { DEFAULT_IMAGE_DIR, NodeVM, loadManifest } from '../../src/vm/node-vm';
import { DEFAULT_JIT, type JitSettings } from '../../src/vm/options';
import { DOCKER_WARM_UP, warmUp } from '../../src/vm/warm-up';
import { decodeCalls } from '../../src/vm/call-filter';
import { COLLECT_SCRIPT, refreshIntervalMs } from '../../src/inspector/collect';
import { parseGuestView } from '../../src/inspector/parse';
import { NodeCluster } from '../../src/cluster/node-cluster';
import { measurePage } from './page';
import { QemuGuest } from './qemu';
import { SWARM_CYCLES, measureSwarm, swarmRows } from './swarm';
import { kubernetesClusterRows, measureKubernetesCluster } from './kubernetes-cluster';
import { kubernetesRows, measureKubernetesMachine } from './kubernetes-machine';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, image: { type: 'string' }, compare: { type: 'string' }, jit: { type: 'string' } },
});
const imageDir = path.resolve(values.image ?? process.env.LABBOX_IMAGE_DIR ?? DEFAULT_IMAGE_DIR);
const manifest = await loadManifest(imageDir);
const root = path.resolve(import.meta.dirname, '../..');

/** Bytes of every file under a folder. */
function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
    const full = path.join(dir, e.name);
    return n + (e.isDirectory() ? folderBytes(full) : statSync(full).size);
  }, 0);
}

interface Row {
  what: string;
  value: string;
  goal?: string;
}
const rows: Row[] = [];
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const log = (m: string) => console.error(`bench: ${m}`);

/** Counts the bytes v86 reads from the image folder (state and disk parts), by wrapping fs. */
const fetched = { bytes: 0, dir: imageDir };
{
  const fsp = createRequire(import.meta.url)('node:fs').promises;
  const open = fsp.open;
  const readFile = fsp.readFile;
  const counted = (file: unknown) => typeof file === 'string' && file.startsWith(fetched.dir);
  fsp.readFile = async (file: unknown, ...rest: unknown[]) => {
    const data = await readFile(file, ...rest);
    if (counted(file)) fetched.bytes += data.length;
    return data;
  };
  fsp.open = async (file: unknown, ...rest: unknown[]) => {
    const handle = await open(file, ...rest);
    if (counted(file)) {
      const read = handle.read.bind(handle);
      handle.read = async (...args: unknown[]) => {
        const r = await read(...(args as []));
        fetched.bytes += r.bytesRead;
        return r;
      };
    }
    return handle;
  };
  syncBuiltinESMExports();
}

/** Undoes the build's call filter on a disk image put together from its parts, part by part. */
function decodeCallsInFile(file: string, chunk: number): void {
  const fd = openSync(file, 'r+');
  const part = new Uint8Array(chunk);
  for (let start = 0; readSync(fd, part, 0, chunk, start) === chunk; start += chunk) {
    decodeCalls(part, start);
    writeSync(fd, part, 0, chunk, start);
  }
  closeSync(fd);
}

/**
 * Guest instructions v86 has executed, modulo 2^32. Unlike wall time, the count does not move
 * with the host's load (the same steady `docker run` took 3.3 to 10 s for about 283 million),
 * so it shows what a change to the guest saves on a shared machine.
 */
function instructionCounter(vm: NodeVM): () => number {
  const emulator = vm.emulator as unknown as { get_instruction_counter(): number };
  return () => emulator.get_instruction_counter();
}

/** A command's wall time, the guest instructions it took (in millions) and the guest's context switches meanwhile */
interface Timing {
  ms: number;
  minstr: number;
  switches: number;
}

/** The guest kernel's context switches since its boot, read between two timed commands. */
async function contextSwitches(agent: AgentClient): Promise<number> {
  const r = await agent.exec("awk '/^ctxt/ {print $2}' /proc/stat");
  // Number('') is 0: an empty answer must not pass for a count
  const switches = parseInt(r.stdout, 10);
  if (r.exitCode !== 0 || !Number.isFinite(switches)) throw new Error(`the guest's context switches could not be read: ${r.stderr || r.stdout}`);
  return switches;
}

async function timed(agent: AgentClient, command: string, count: () => number = () => NaN, switches = false): Promise<Timing> {
  const switchesBefore = switches ? await contextSwitches(agent) : NaN;
  const before = count();
  const r = await agent.exec(command, { timeoutMs: 300_000 });
  const minstr = ((count() - before) >>> 0) / 1e6;
  if (r.exitCode !== 0) throw new Error(`\`${command}\` failed in the benchmark: ${r.stderr}`);
  return { ms: r.durationMs, minstr, switches: switches ? (await contextSwitches(agent)) - switchesBefore : NaN };
}

/** `n` runs of a command, each timed */
async function repeated(agent: AgentClient, command: string, n: number, count?: () => number, switches = false): Promise<Timing[]> {
  const times: Timing[] = [];
  for (let i = 0; i < n; i++) times.push(await timed(agent, command, count, switches));
  return times;
}

/** first run, then the median of the next `n` */
async function firstAndSteady(agent: AgentClient, command: string, n = 5): Promise<[number, number]> {
  const first = await timed(agent, command);
  return [first.ms, median((await repeated(agent, command, n)).map((t) => t.ms))];
}

// --- the image ---
const diskBytes = readdirSync(path.join(imageDir, 'disk')).length;
rows.push({
  what: 'image build, as timed by the build that made this image (suite ' + manifest.suite + ')',
  value: manifest.build.buildSeconds ? `${Math.round(manifest.build.buildSeconds / 60)} min` : 'n/a',
});
rows.push({ what: 'snapshot size raw / zstd (-22, 32 MiB window)', value: `${mib(manifest.files.state.rawSize)} / ${mib(manifest.files.state.size)}` });
rows.push({ what: `disk: ${mib(manifest.disk.size)} in ${diskBytes} parts, zstd total`, value: mib(manifest.disk.compressedSize) });

// --- v86: restore ---
interface RestoreFigures {
  restoreMs: number;
  firstPs: number;
  /** the page's Docker warm-up (DOCKER_WARM_UP) run right after another restore, then `docker ps` */
  warmUpMs: number;
  psAfterWarmUp: number;
  /** a third restore: the warm-up until the Enter of a `docker ps` typed at once, then that `docker ps` */
  psTypedAtOnce: number;
  runFirst: number;
  fetchedBytes: number;
  runSteady: number;
  /** the mean of the same runs: v86's JIT empties its module table when full, and the run after costs 2-3x */
  runMean: number;
  psSteady: number;
  hostRun: number;
  execSteady: number;
  /** the inspector's refresh with a container running: guest CPU busy and wall time, median of 5 */
  inspectorBusyMs: number;
  inspectorWallMs: number;
  /** guest instructions, in millions, of the same commands (medians for the steady ones) */
  minstr: { firstPs: number; runFirst: number; runSteady: number; psSteady: number };
  /** the guest's context switches during a steady `docker run` (median) */
  switchesSteady: number;
}

async function measureInspector(vm: NodeVM): Promise<{ busyMs: number; wallMs: number }> {
  await vm.exec('docker run -d --name bench-web nginx', { timeoutMs: 300_000 });
  const busy: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = Date.now();
    const view = parseGuestView((await vm.exec(COLLECT_SCRIPT, { timeoutMs: 120_000 })).stdout);
    wall.push(Date.now() - t);
    busy.push((view.cost?.busyTicks ?? NaN) * 10);
  }
  await vm.exec('docker rm -f bench-web', { timeoutMs: 300_000 });
  return { busyMs: median(busy), wallMs: median(wall) };
}

/** how long a fast typist takes from the prompt to the Enter of `docker ps` (ten keys) */
const TYPING_MS = 1500;

/** runs of `docker run` after the first: enough for v86's JIT to fill its module table at least once */
const STEADY_RUNS = 15;

const jitLabel = (jit: JitSettings) => `JIT modules of ${jit.maxPages} pages/${jit.maxExtraBasicBlocks} blocks, threshold ${jit.threshold}`;

async function measureRestore(dir: string, jit: JitSettings = DEFAULT_JIT): Promise<RestoreFigures> {
  log(`restoring the snapshot of ${dir} in v86 (${jitLabel(jit)})`);
  fetched.bytes = 0;
  fetched.dir = dir;
  const t = Date.now();
  const vm = await NodeVM.start({ imageDir: dir, jit });
  const restoreMs = Date.now() - t;
  const count = instructionCounter(vm);
  const firstPs = await timed(vm.agent, 'docker ps', count);
  const runFirst = await timed(vm.agent, 'docker run --rm busybox true', count);
  const fetchedBytes = fetched.bytes;
  const runs = await repeated(vm.agent, 'docker run --rm busybox true', STEADY_RUNS, count, true);
  const ps = await repeated(vm.agent, 'docker ps', 5, count);
  const [, hostRun] = await firstAndSteady(vm.agent, 'docker run --rm --network host busybox true', 3);
  const [, execSteady] = await firstAndSteady(vm.agent, 'true', 5);
  const inspector = await measureInspector(vm);
  await vm.stop();
  // what a trainee who types once the page's warm-up is over waits: a second restore, the warm-up, `docker ps`
  const warmed = await NodeVM.start({ imageDir: dir, jit });
  const warmUpStart = Date.now();
  await warmUp(warmed.agent, DOCKER_WARM_UP);
  const warmUpMs = Date.now() - warmUpStart;
  const psAfterWarmUp = await timed(warmed.agent, 'docker ps');
  await warmed.stop();
  // what a trainee who types `docker ps` as soon as the prompt shows waits: the page warms
  // Docker up while they type, and stops when their Enter runs the command
  const typist = await NodeVM.start({ imageDir: dir, jit });
  const enter = new AbortController();
  const warmingUp = warmUp(typist.agent, DOCKER_WARM_UP, enter.signal);
  await new Promise((resolve) => setTimeout(resolve, TYPING_MS));
  enter.abort();
  await warmingUp;
  const psTypedAtOnce = await timed(typist.agent, 'docker ps');
  await typist.stop();
  const wall = (ts: Timing[]) => ts.map((x) => x.ms);
  const instructions = (ts: Timing[]) => ts.map((x) => x.minstr);
  return {
    restoreMs,
    firstPs: firstPs.ms,
    warmUpMs,
    psAfterWarmUp: psAfterWarmUp.ms,
    psTypedAtOnce: psTypedAtOnce.ms,
    runFirst: runFirst.ms,
    fetchedBytes,
    runSteady: median(wall(runs)),
    runMean: mean(wall(runs)),
    psSteady: median(wall(ps)),
    hostRun,
    execSteady,
    inspectorBusyMs: inspector.busyMs,
    inspectorWallMs: inspector.wallMs,
    minstr: { firstPs: firstPs.minstr, runFirst: runFirst.minstr, runSteady: median(instructions(runs)), psSteady: median(instructions(ps)) },
    switchesSteady: median(runs.map((x) => x.switches)),
  };
}

/** Time to write one byte per page of fresh memory: the host's page-fault cost, which a restore
 *  pays on about 450 MiB (the Node process grows by that much: the decompressed state, zstd's
 *  window, the guest memory it fills): on a machine whose page faults are slow, much of its time. */
function freshMemoryMs(bytes: number): number {
  const start = performance.now();
  const memory = new Uint8Array(new WebAssembly.Memory({ initial: bytes / 65536 }).buffer);
  for (let i = 0; i < memory.length; i += 4096) memory[i] = 1;
  return performance.now() - start;
}

const r = await measureRestore(imageDir);
rows.push({
  what: 'host: writing 512 MiB of fresh memory, one byte per page (a restore grows the process by about 450 MiB, so it pays about these page faults)',
  value: s(freshMemoryMs(512 * 2 ** 20)),
});
rows.push({ what: 'v86: restore to agent answering (clock set)', value: s(r.restoreMs), goal: '≤ 2 s' });
rows.push({ what: 'v86: first `docker ps` right after restore (no warm-up)', value: s(r.firstPs), goal: '≤ 1 s' });
const dockerSteps = [...new Set(DOCKER_WARM_UP)].map((step) => `\`${step}\` ×${DOCKER_WARM_UP.filter((x) => x === step).length}`).join(', ');
rows.push({
  what: `v86: the page's Docker warm-up run right after another restore (${dockerSteps}; the page starts it once the prompt is on screen and stops it when the trainee runs a command)`,
  value: s(r.warmUpMs),
});
rows.push({ what: 'v86: first `docker ps` after that warm-up (what a trainee who types once it is over waits)', value: s(r.psAfterWarmUp), goal: '≤ 1 s' });
rows.push({
  what: `v86: first \`docker ps\` typed at once, its Enter ${s(TYPING_MS)} after a third restore (the warm-up runs until then)`,
  value: s(r.psTypedAtOnce),
  goal: '≤ 1 s',
});
rows.push({ what: 'v86: `docker run --rm busybox true` first', value: s(r.runFirst) });
rows.push({ what: 'fetched from restore through the first `docker run` (state + disk parts, compressed)', value: mib(r.fetchedBytes), goal: '≤ 40 MiB' });
rows.push({
  what: `v86: \`docker run --rm busybox true\` steady (median of the ${STEADY_RUNS} after the first)`,
  value: s(r.runSteady),
  goal: '≤ 3 s (milestone ≤ 6 s)',
});
rows.push({
  what: `v86: \`docker run --rm busybox true\`, mean of the same ${STEADY_RUNS} (with the runs after the JIT empties its table)`,
  value: s(r.runMean),
});
rows.push({ what: 'v86: `docker ps` steady (median of 5)', value: s(r.psSteady), goal: '≤ 1 s' });
const millions = (n: number) => `${n.toFixed(0)} M`;
const { minstr: m } = r;
rows.push({
  what: "v86: guest instructions, first `docker ps` / first `docker run` / steady `docker run` / steady `docker ps` (medians; the host's load does not move them)",
  value: [m.firstPs, m.runFirst, m.runSteady, m.psSteady].map(millions).join(' / '),
});
rows.push({ what: 'v86: guest context switches during a steady `docker run` (median, /proc/stat)', value: String(r.switchesSteady) });
const inspectorInterval = refreshIntervalMs(r.inspectorBusyMs / 10);
rows.push({
  what: 'inspector: one refresh, guest CPU busy / wall (a container running, median of 5)',
  value: `${s(r.inspectorBusyMs)} / ${s(r.inspectorWallMs)}`,
});
rows.push({
  what: 'inspector: refresh interval it picks, and its share of the guest CPU while open (nothing while closed)',
  value: `${s(inspectorInterval)}, ${((100 * r.inspectorBusyMs) / inspectorInterval).toFixed(1)} %`,
  goal: '< 5 %',
});
rows.push({ what: 'v86: `docker run --rm --network host busybox true` steady', value: s(r.hostRun) });
rows.push({ what: 'v86: agent round trip (`true`)', value: s(r.execSteady) });
let t: number;
/** a figure measured twice in this run, and their ratio */
const vs = (a: number, b: number, unit: (n: number) => string = s) => `${unit(a)} vs ${unit(b)} (${(a / b).toFixed(2)}×)`;
/** the Docker figures of another measurement `c` beside this image's default one */
function compareDocker(label: string, c: RestoreFigures): void {
  rows.push({ what: `${label}: first \`docker ps\``, value: vs(c.firstPs, r.firstPs) });
  rows.push({ what: `${label}: first \`docker ps\` after the warm-up`, value: vs(c.psAfterWarmUp, r.psAfterWarmUp) });
  rows.push({ what: `${label}: first \`docker ps\` typed at once`, value: vs(c.psTypedAtOnce, r.psTypedAtOnce) });
  rows.push({ what: `${label}: \`docker run\` first`, value: vs(c.runFirst, r.runFirst) });
  rows.push({ what: `${label}: \`docker run\` steady (median)`, value: vs(c.runSteady, r.runSteady) });
  rows.push({ what: `${label}: \`docker run\` mean`, value: vs(c.runMean, r.runMean) });
  rows.push({ what: `${label}: \`docker ps\` steady`, value: vs(c.psSteady, r.psSteady) });
  rows.push({ what: `${label}: guest instructions, steady \`docker run\``, value: vs(c.minstr.runSteady, r.minstr.runSteady, millions) });
  rows.push({ what: `${label}: guest instructions, first \`docker ps\``, value: vs(c.minstr.firstPs, r.minstr.firstPs, millions) });
  rows.push({ what: `${label}: guest context switches, steady \`docker run\``, value: vs(c.switchesSteady, r.switchesSteady, String) });
}

if (values.compare) {
  // the same figures for another image (another suite), as ratios to this one
  const dir = path.resolve(values.compare);
  const other = await loadManifest(dir);
  const c = await measureRestore(dir);
  const label = other.suite === manifest.suite ? `image ${other.imageVersion} vs ${manifest.imageVersion}` : `${other.suite} vs ${manifest.suite}`;
  rows.push({ what: `${label}: snapshot zstd`, value: vs(other.files.state.size, manifest.files.state.size, mib) });
  rows.push({ what: `${label}: restore to agent`, value: vs(c.restoreMs, r.restoreMs) });
  compareDocker(label, c);
  rows.push({ what: `${label}: fetched through the first \`docker run\``, value: vs(c.fetchedBytes, r.fetchedBytes, mib) });
}

if (values.jit) {
  // the same image with other JIT settings, as ratios to the default ones
  const [maxPages, maxExtraBasicBlocks, threshold = DEFAULT_JIT.threshold] = values.jit.split(',').map(Number);
  if (!(maxPages >= 1 && maxExtraBasicBlocks >= 1)) throw new Error(`--jit wants PAGES,BLOCKS[,THRESHOLD] (e.g. 1,50,200000), not ${values.jit}`);
  const jit = { maxPages, maxExtraBasicBlocks, threshold };
  const c = await measureRestore(imageDir, jit);
  compareDocker(`${jitLabel(jit)} vs ${jitLabel(DEFAULT_JIT)}`, c);
}

/** A full garbage collection now: the resident memory then counts what is still in use. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

// --- a cluster: guests restored from the one snapshot, each in its thread, named, on one switch ---
log('a 3-node cluster in v86');
{
  collectGarbage(); // the earlier guests' buffers, so that they are not counted against the nodes
  const rssBefore = process.memoryUsage().rss;
  t = Date.now();
  const cluster = await NodeCluster.start(3, { imageDir });
  const readyMs = Date.now() - t;
  collectGarbage(); // the restores' own buffers
  const perNodeBytes = (process.memoryUsage().rss - rssBefore) / 3;
  const ping = await cluster.node('node1').exec('ping -c 5 -i 0.5 node2', { timeoutMs: 60_000 });
  const rtt = /= [\d.]+\/([\d.]+)\//.exec(ping.stdout)?.[1] ?? 'no answer';
  await cluster.stop();
  rows.push({
    what: 'cluster: 3 nodes restored, named and plugged into one switch (all in one Node thread; the page gives each its worker)',
    value: s(readyMs),
  });
  rows.push({ what: 'cluster: ping round trip node1 → node2 (average of 5)', value: `${rtt} ms` });
  rows.push({
    what: "cluster: memory per node (growth of the process's resident memory / 3, each side of a full garbage collection; guest RAM is 512 MiB)",
    value: mib(perNodeBytes),
  });
}

// --- Swarm's steps against dockerd's deadlines, each variant on a fresh restore (tests/bench/swarm.ts) ---
for (const init of [true, false]) {
  log(`Swarm: ${SWARM_CYCLES} cycles of init, service create, rm and leave, tasks ${init ? 'with' : 'without'} --init`);
  const vm = await NodeVM.start({ imageDir });
  try {
    rows.push(
      ...swarmRows(await measureSwarm(vm, SWARM_CYCLES, init), init ? 'tasks with --init (the guest test)' : 'tasks without --init (`sleep` ignores SIGTERM)'),
    );
  } finally {
    await vm.stop();
  }
}

// --- the kubernetes machine (tests/bench/kubernetes-machine.ts) ---
if (manifest.machines?.kubernetes) rows.push(...kubernetesRows(await measureKubernetesMachine(imageDir, log)));
// --- Kubernetes on two machines (tests/bench/kubernetes-cluster.ts) ---
if (manifest.machines?.kubernetes) rows.push(...kubernetesClusterRows(await measureKubernetesCluster(imageDir, log)));

if (!values.quick) {
  // --- v86: cold boot ---
  log('cold boot in v86');
  fetched.dir = imageDir;
  t = Date.now();
  const cold = await NodeVM.start({ imageDir, cold: true });
  await cold.waitFor('docker info >/dev/null 2>&1', 900_000);
  const v86Cold = Date.now() - t;
  const [, v86ColdRun] = await firstAndSteady(cold.agent, 'docker run --rm busybox true', 3);
  await cold.stop();
  rows.push({ what: 'v86: cold boot to `docker info` answering', value: s(v86Cold) });

  // --- qemu-system-i386 (TCG), same kernel, initramfs and disk ---
  log('cold boot in qemu-system-i386 (TCG)');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'labbox-bench-'));
  const raw = path.join(tmp, 'disk.img');
  // one zstd process: it writes the parts' frames one after the other, as the disk they came from
  const parts = Array.from({ length: manifest.disk.chunks }, (_, i) => {
    const start = i * manifest.disk.chunkSize;
    return path.join(imageDir, 'disk', `disk-${start}-${start + manifest.disk.chunkSize}.img.zst`);
  });
  execFileSync('zstd', ['-q', '-d', '-c', ...parts], { stdio: ['ignore', openSync(raw, 'w'), 'inherit'] });
  if (manifest.disk.filter === 'x86-calls') decodeCallsInFile(raw, manifest.disk.chunkSize);
  t = Date.now();
  const qemu = await QemuGuest.boot(manifest, imageDir, raw);
  const deadline = Date.now() + 900_000;
  while ((await qemu.agent.exec('docker info >/dev/null 2>&1')).exitCode !== 0) {
    if (Date.now() > deadline) throw new Error('qemu: `docker info` did not answer within 15 min of the boot');
    await new Promise((r) => setTimeout(r, 1000));
  }
  const qemuCold = Date.now() - t;
  const [, qemuRun] = await firstAndSteady(qemu.agent, 'docker run --rm busybox true', 3);
  qemu.stop();
  rmSync(tmp, { recursive: true, force: true });
  rows.push({ what: 'qemu TCG: cold boot to `docker info` answering', value: s(qemuCold) });
  rows.push({ what: 'cold boot v86 / qemu TCG (same run)', value: `${(v86Cold / qemuCold).toFixed(2)}×` });
  rows.push({ what: '`docker run` steady after cold boot: v86 / qemu TCG', value: `${s(v86ColdRun)} / ${s(qemuRun)} = ${(v86ColdRun / qemuRun).toFixed(2)}×` });
}

// --- the page in Chromium ---
log('the page in Chromium');
const pageFigures = await measurePage();
// the page's clock (navigation start to the prompt on screen) is what a trainee waits; the
// harness's wall time adds opening a tab and polling the screen every 250 ms
const opened = (promptMs: number, wallMs: number) => `${s(promptMs)} (harness wall ${s(wallMs)})`;
rows.push({
  what: 'page: open to a prompt, cold cache (loopback server), navigation start to the prompt on screen',
  value: opened(pageFigures.coldPromptMs, pageFigures.coldMs),
  goal: '',
});
rows.push({
  what: 'page: open to a prompt, warm cache, navigation start to the prompt on screen',
  value: opened(pageFigures.warmPromptMs, pageFigures.warmMs),
  goal: '≤ 2 s',
});
const steps = Object.entries(pageFigures.warmMarks).sort((a, b) => a[1] - b[1]);
rows.push({
  what: "page: the warm open step by step, ms since the page opened (the worker's start marks, then the prompt on screen)",
  value: steps.map(([step, ms]) => `${step} ${ms}`).join(' · '),
});
rows.push({ what: 'page: bytes before the first prompt (cold)', value: mib(pageFigures.coldBytes), goal: '≤ 40 MiB' });
rows.push({ what: 'page: `docker run --rm busybox true` typed in the terminal', value: s(pageFigures.dockerRunMs) });
rows.push({ what: 'page: longest main-thread task while the guest runs', value: `${Math.round(pageFigures.longestTaskMs)} ms`, goal: '< 100 ms' });
rows.push({
  what: "page: work a closed tab loses: a command's Enter to the autosave's save of what it changed",
  value: s(pageFigures.changesWindowMs),
  goal: '≤ 10 s',
});
rows.push({
  what: "page: that save of changes: time (the guest stands still for v86's save_state part) / stored",
  value: `${s(pageFigures.changesSaveMs)} (${s(pageFigures.changesStateMs)}) / ${mib(pageFigures.changesStoredBytes)}`,
  goal: '≤ 2 s, ≤ 5 MiB',
});
rows.push({ what: 'page: longest main-thread task during that save', value: `${Math.round(pageFigures.longestTaskDuringChangesMs)} ms`, goal: '≤ 100 ms' });
rows.push({ what: 'page: full save after a small lab (nginx running, files written), "Save as" click to saved', value: s(pageFigures.saveMs) });
rows.push({
  what: 'page: saved machine stored size (gzip) / raw state',
  value: `${mib(pageFigures.savedBytes)} / ${mib(pageFigures.savedRawBytes)}`,
  goal: '≤ 30 MB stored',
});
rows.push({ what: 'page: longest main-thread task during the save', value: `${Math.round(pageFigures.longestTaskDuringSaveMs)} ms`, goal: '≤ 100 ms' });
rows.push({ what: 'page: reload to the saved machine ready (IndexedDB restore)', value: s(pageFigures.resumeMs) });
// the extras disk (etcd, Kubernetes) and the machines of their labs are offered apart by the
// Offline button, so they are counted apart
const builtGuest = path.join(root, 'dist/guest', manifest.imageVersion);
const extras = ['extras', 'machines'].map((d) => path.join(builtGuest, d)).reduce((n, d) => n + (existsSync(d) ? folderBytes(d) : 0), 0);
const offlineSet = folderBytes(path.join(root, 'dist')) - extras;
const megabytesOf = (bytes: number) => `${mib(bytes)} = ${(bytes / 1e6).toFixed(1)} MB`;
rows.push({ what: 'offline: the whole offline set (built site: app, emulator, labs, guest image)', value: megabytesOf(offlineSet), goal: '≤ 150 MB' });
rows.push({ what: 'offline: the extras disk (etcd, Kubernetes) and the Kubernetes machine, offered apart', value: megabytesOf(extras), goal: '' });
rows.push({ what: 'offline: "Offline" button, click to all cached (loopback server)', value: s(pageFigures.offlineDownloadMs) });
rows.push({ what: 'offline: reload with the server stopped to the saved machine ready', value: s(pageFigures.offlineReloadMs) });

const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), image ${manifest.imageVersion}, v86 ${manifest.v86.version}.`,
  '',
  '| measure | value | goal |',
  '| --- | --- | --- |',
  ...rows.map((r) => `| ${r.what} | ${r.value} | ${r.goal ?? ''} |`),
].join('\n');
console.log(table);
const benchmarkPage = path.join(root, 'docs/benchmark.md');
const text = readFileSync(benchmarkPage, 'utf8');
const marked = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;
if (marked.test(text) && !values.quick) {
  writeFileSync(benchmarkPage, text.replace(marked, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`));
  log('table written to docs/benchmark.md');
}
process.exit(0);
