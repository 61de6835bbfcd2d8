/**
 * The image build's two guest boots (called by images/build.sh):
 *   provision WORK DIST  cold boot on the raw disk, import the container images
 *                        (images/container-images.sh), freeze the filesystem, write the
 *                        disk back to WORK/disk.img
 *   snapshot WORK DIST   cold boot on the chunked disk, wait until Docker answers, drop
 *                        caches, read back what the first prompt needs, save the state
 *                        (its memory pages at its end: src/vm/snapshot-layout.ts; zstd)
 *                        and write DIST/manifest.json
 *   kubernetes WORK DIST restore that snapshot, start its one-node Kubernetes
 *                        (labbox-kubernetes start) until the node is Ready, let it settle,
 *                        save the state as DIST/machines/kubernetes.state.bin.zst, name it in the
 *                        manifest as the machine `kubernetes`
 * Environment: LABBOX_IMAGE_KEY, LABBOX_SUITE, LABBOX_KERNEL, LABBOX_DISK_SIZE, LABBOX_CHUNK_SIZE,
 * LABBOX_BUILD_STARTED (epoch seconds).
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { MANIFEST_FORMAT, parseManifest, type FirstShell, type GuestManifest, type ManifestFile, type StreamingIndex } from '../src/vm/manifest';
import { GUEST_CMDLINE, GUEST_MEMORY, GUEST_VGA_MEMORY } from '../src/vm/options';
import { movePagesToEnd, parseState } from '../src/vm/snapshot-layout';
import { SHRINK_GUEST_MEMORY } from '../src/vm/agent-connection';
import { NodeVM } from '../src/vm/node-vm';

const [mode, work, dist] = process.argv.slice(2);
if (!['provision', 'snapshot', 'kubernetes'].includes(mode) || !work || !dist) {
  console.error('usage: boot.ts provision|snapshot|kubernetes WORK DIST');
  process.exit(2);
}
const env = (name: string) => process.env[name] ?? '';
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const log = (message: string) => console.log(`[${seconds()} s] ${message}`);

function fileEntry(relative: string): ManifestFile {
  const data = readFileSync(path.join(dist, relative));
  return { path: relative, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

/** The manifest as far as it is known before the snapshot exists. */
function draftManifest(): GuestManifest {
  const diskSize = Number(env('LABBOX_DISK_SIZE')) || statSync(path.join(work, 'disk.img')).size;
  const chunkSize = Number(env('LABBOX_CHUNK_SIZE')) || 256 * 1024;
  const extrasSize = Number(env('LABBOX_EXTRAS_SIZE')) || 0;
  const blank: ManifestFile = { path: '', size: 0, sha256: '' };
  const v86Version = JSON.parse(readFileSync(path.join(import.meta.dirname, '../node_modules/v86/package.json'), 'utf8')).version;
  return {
    format: MANIFEST_FORMAT,
    imageVersion: env('LABBOX_IMAGE_KEY') || 'dev',
    suite: env('LABBOX_SUITE'),
    kernel: env('LABBOX_KERNEL'),
    createdAt: new Date().toISOString(),
    files: {
      bios: fileEntry('bios.bin'),
      vgaBios: fileEntry('vgabios.bin'),
      kernel: fileEntry('vmlinuz'),
      initrd: fileEntry('initrd.img'),
      state: { ...blank, path: 'state.bin.zst', rawSize: 0 },
    },
    disk: { url: 'disk/disk.img.zst', size: diskSize, chunkSize, chunks: Math.ceil(diskSize / chunkSize), compressedSize: 0, filter: 'x86-calls' },
    ...(extrasSize > 0 && {
      extras: { url: 'extras/extras.img.zst', size: extrasSize, chunkSize, chunks: Math.ceil(extrasSize / chunkSize), compressedSize: 0, filter: 'x86-calls' },
    }),
    v86: { version: v86Version, memorySize: GUEST_MEMORY, vgaMemorySize: GUEST_VGA_MEMORY, cmdline: GUEST_CMDLINE },
    packages: [],
    build: { coldBootToDockerMs: 0, buildSeconds: 0 },
  };
}

/** Reads a file of any size (readFile stops at 2 GiB) into one ArrayBuffer. */
function readWhole(file: string, padTo = 1): ArrayBuffer {
  const size = statSync(file).size;
  const buffer = new ArrayBuffer(Math.ceil(size / padTo) * padTo);
  const fd = openSync(file, 'r');
  for (let offset = 0; offset < size;) offset += readSync(fd, new Uint8Array(buffer, offset, Math.min(1 << 30, size - offset)));
  closeSync(fd);
  return buffer;
}

const serialLog: number[] = [];
const onSerial = (bytes: Uint8Array) => {
  serialLog.push(...bytes);
  if (process.env.LABBOX_VERBOSE) process.stdout.write(bytes);
};
function failWithConsole(error: unknown): never {
  console.error(`\n${mode} boot failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('--- last serial console output ---');
  console.error(Buffer.from(serialLog.slice(-4000)).toString());
  process.exit(1);
}

async function run(vm: NodeVM, command: string, timeoutMs: number): Promise<void> {
  const r = await vm.exec(command, {
    timeoutMs,
    onStdout: (c) => process.stdout.write(c),
    onStderr: (c) => process.stderr.write(c),
  });
  if (r.exitCode !== 0) throw new Error(`\`${command}\` exited with ${r.exitCode}`);
}

async function provision(): Promise<void> {
  const manifest = draftManifest();
  const disk = readWhole(path.join(work, 'disk.img'));
  log(`booting on the raw disk (${(disk.byteLength / 2 ** 20).toFixed(0)} MiB in memory)`);
  const vm = await NodeVM.start({
    imageDir: dist,
    manifest,
    cold: true,
    onSerial,
    override: { hda: { buffer: disk }, hdb: { buffer: readWhole(path.join(work, 'provision.tar'), 512) } },
  }).catch(failWithConsole);
  try {
    log('agent up; waiting for Docker');
    await vm.waitFor('docker info >/dev/null 2>&1 && curl -sf -o /dev/null http://localhost:5000/v2/', 600_000);
    log('Docker is up; provisioning');
    await run(vm, 'mkdir -p /tmp/provision && tar -xf /dev/sdb -C /tmp/provision && sh /tmp/provision/provision.sh', 3_600_000);
    // a frozen filesystem is consistent on disk even though the daemons still run
    await run(vm, 'rm -rf /tmp/provision; sync; fsfreeze -f /', 120_000);
  } catch (error) {
    failWithConsole(error);
  }
  await vm.stop();
  writeFileSync(path.join(work, 'disk.img'), new Uint8Array(disk));
  log('provisioned disk written');
}

/**
 * After the shrink, reads back only what a trainee's first prompt and first Docker commands
 * need: a login shell, the page's status commands, the daemons' idle code, and the pages of
 * the docker CLI, dockerd, containerd, the shim and crun that a `docker ps` and a
 * `docker run` touch (about 60 MiB). Block readahead is off meanwhile, so the cache keeps the
 * pages touched rather than their neighbours: the disk would serve them as whole 256 KiB
 * parts, nearly twice the bytes (docs/design/snapshot-contents.md).
 */
const FIRST_CONTAINER = 'docker ps >/dev/null && docker run --rm busybox true';
const REWARM_FIRST_COMMANDS =
  'ra=/sys/block/sda/queue/read_ahead_kb; kb=$(cat $ra); echo 0 > $ra; ' +
  "bash -lic true </dev/null >/dev/null 2>&1; cat /proc/loadavg >/dev/null; awk 'END {}' /proc/meminfo; " +
  'docker version >/dev/null && ' +
  `${FIRST_CONTAINER} && sleep 8; r=$?; echo $kb > $ra; exit $r`;

/**
 * Starts the login shell a fresh machine's first terminal takes over (GuestManifest.firstShell)
 * and waits until it sits quietly at its prompt: bash's start then costs nothing after a restore.
 */
async function openFirstShell(vm: NodeVM): Promise<FirstShell> {
  const chunks: Uint8Array[] = [];
  let lastOutput = Date.now();
  const exit = { code: null as number | null };
  const pty = vm.agent.openPty(
    80,
    24,
    (data) => {
      chunks.push(data);
      lastOutput = Date.now();
    },
    (code) => (exit.code = code),
  );
  const screen = () => Buffer.concat(chunks).toString('utf8');
  const deadline = Date.now() + 120_000;
  while (!(/# $/.test(screen()) && Date.now() - lastOutput > 2000)) {
    if (exit.code !== null) throw new Error(`the first shell exited with ${exit.code}: ${screen()}`);
    if (Date.now() > deadline) throw new Error(`the first shell showed no prompt within 120 s: ${JSON.stringify(screen())}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { channel: pty.channel, screen: screen() };
}

async function snapshot(): Promise<void> {
  const manifest = draftManifest();
  log('cold boot on the chunked disk');
  const vm = await NodeVM.start({ imageDir: dist, manifest, cold: true, onSerial }).catch(failWithConsole);
  try {
    log('agent up; waiting for Docker and the registry');
    await vm.waitFor('docker info >/dev/null 2>&1 && curl -sf -o /dev/null http://localhost:5000/v2/', 600_000);
    manifest.build.coldBootToDockerMs = Date.now() - started;
    // the daemons' one-time work for a first container happens now, so that the shrink then
    // drops its code and the snapshot keeps only what every later `docker run` reads
    log('Docker is up; a first container, dropping caches, then bringing back what the first prompt and Docker commands need');
    await run(vm, FIRST_CONTAINER, 300_000);
    await run(vm, SHRINK_GUEST_MEMORY, 120_000);
    await run(vm, REWARM_FIRST_COMMANDS, 300_000);
    manifest.firstShell = await openFirstShell(vm);
    log(`first shell on channel ${manifest.firstShell.channel}: ${JSON.stringify(manifest.firstShell.screen)}`);
  } catch (error) {
    failWithConsole(error);
  }
  manifest.files.state = await saveState(vm, 'state.bin.zst');
  const folderSize = (dir: string) => readdirSync(path.join(dist, dir)).reduce((n, f) => n + statSync(path.join(dist, dir, f)).size, 0);
  manifest.disk.compressedSize = folderSize('disk');
  if (manifest.extras) manifest.extras.compressedSize = folderSize('extras');
  const buildStarted = Number(env('LABBOX_BUILD_STARTED'));
  if (buildStarted) manifest.build.buildSeconds = Math.round(Date.now() / 1000 - buildStarted);
  manifest.packages = readFileSync(path.join(work, 'packages.txt'), 'utf8').split('\n').filter(Boolean);
  writeFileSync(path.join(dist, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`snapshot saved: ${(manifest.files.state.rawSize / 2 ** 20).toFixed(1)} MiB raw, ${(manifest.files.state.size / 2 ** 20).toFixed(1)} MiB zstd`);
}

/** Saves the guest's state (its memory pages at its end), stops the guest, writes DIST/NAME (zstd) and returns its manifest entry. */
async function saveState(vm: NodeVM, name: string): Promise<GuestManifest['files']['state']> {
  const state = movePagesToEnd(new Uint8Array(await vm.saveState()));
  await vm.stop();
  const raw = path.join(work, 'state.bin');
  writeFileSync(raw, state);
  // a long window finds the code dockerd, containerd and the CLI share, but every restore
  // fills the decoder's window with fresh memory (page faults) that v86's WebAssembly keeps.
  // Measured on image 2750c9aa07b13c8f's state (-22), restored alternately three times each in
  // Node: 64 MiB 33.8 MB 1.31-1.36 s, 32 MiB 34.8 MB 1.22-1.39 s, 16 MiB 36.3 MB 1.13-1.16 s,
  // 8 MiB 37.5 MB 1.09-1.15 s. 32 MiB: with 16 the offline set (150.9 MB) passed its 150 MB goal
  // --check (zstd's default, said here as a restore relies on it): the frame's checksum is how a
  // snapshot streamed from the offline cache is checked (src/vm/restore-memory.ts)
  execFileSync('zstd', ['-q', '-f', '--ultra', '-22', '--long=25', '--check', '-T0', raw, '-o', path.join(dist, name)]);
  const pagesAt = state.byteLength - parseState(state).trailingPages.byteLength;
  return { ...fileEntry(name), rawSize: state.byteLength, streaming: streamingIndex(path.join(dist, name), pagesAt) };
}

/**
 * The machine `kubernetes`: the default snapshot with its one-node Kubernetes running and the
 * node Ready, so that the lab opens on a working cluster in seconds rather than after the
 * minutes its start takes in the emulator (docs/kubernetes.md). The default snapshot's first
 * shell is still at its prompt, untouched: the machine's first terminal takes it over too.
 */
async function kubernetesMachine(): Promise<void> {
  const manifest = parseManifest(JSON.parse(readFileSync(path.join(dist, 'manifest.json'), 'utf8')));
  const vm = await NodeVM.start({ imageDir: dist, manifest, onSerial }).catch(failWithConsole);
  try {
    log('restored; starting Kubernetes');
    await run(vm, 'labbox-kubernetes start', 1_800_000);
    log('node Ready; letting the controllers and the kubelet settle');
    // the kubelet's first status reports and the controllers' first full passes happen now;
    // then the page cache is dropped (logs, etcd's files) and kubectl's first start read back
    await run(vm, 'sleep 60; kubectl get nodes; kubectl get componentstatuses', 600_000);
    await run(vm, SHRINK_GUEST_MEMORY, 120_000);
    await run(vm, 'kubectl get pods -A >/dev/null; sleep 10', 300_000);
  } catch (error) {
    failWithConsole(error);
  }
  mkdirSync(path.join(dist, 'machines'), { recursive: true });
  const state = await saveState(vm, 'machines/kubernetes.state.bin.zst');
  manifest.machines = { ...manifest.machines, kubernetes: { state, firstShell: manifest.firstShell } };
  writeFileSync(path.join(dist, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`kubernetes machine saved: ${(state.rawSize / 2 ** 20).toFixed(1)} MiB raw, ${(state.size / 2 ** 20).toFixed(1)} MiB zstd`);
}

/**
 * How much of the compressed snapshot decodes how much of the state, every MiB: `zstd` given
 * the file's first n bytes writes out the blocks they hold whole (in 128 KiB steps, so never
 * more than they hold). A page restores from a snapshot still arriving with it.
 */
function streamingIndex(file: string, pagesAt: number): StreamingIndex {
  const size = statSync(file).size;
  const decodable: [number, number][] = [];
  for (let n = 1 << 20; n < size; n += 1 << 20) {
    const out = execFileSync('sh', ['-c', 'head -c "$1" "$0" | zstd -qdc --long=25 2>/dev/null | wc -c', file, String(n)], { encoding: 'utf8' });
    decodable.push([n, Number(out.trim())]);
  }
  return { pagesAt, decodable };
}

const modes = { provision, snapshot, kubernetes: kubernetesMachine };
await modes[mode as keyof typeof modes]();
process.exit(0);
