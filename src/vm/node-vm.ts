/**
 * The LabBox guest in Node.js: v86 from npm, the image from a local folder.
 * Used by the headless runner (`npm run vm`), the image build and the guest tests.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { V86 } from 'v86';
import { AgentError, type AgentClient } from './agent-client';
import { connectAgent, reserveFirstShell, waitForAgent } from './agent-connection';
import { forMachine, parseManifest, type DiskDescription, type FirstShell, type GuestManifest } from './manifest';
import { LazyDisk, type DiskActivity, type PartIO } from './lazy-disk';
import { withJitThreshold } from './jit-threshold';
import { trimDisks } from './ide-trim';
import type { PageStore } from './written-blocks';
import { restoreIntoFreshMemory } from './restore-memory';
import { DEFAULT_JIT, tuneJit, v86Options, type BootMode, type DiskFactory, type JitSettings, type V86Zstd } from './options';

export interface NodeVmOptions extends BootMode {
  /** folder holding manifest.json (images/out/dist by default) */
  imageDir?: string;
  /** the manifest to use, when booting an image whose manifest is not written yet */
  manifest?: GuestManifest;
  /** which of the image's machines to restore (GuestManifest.machines); the default one when absent */
  machine?: string;
  /** replace or add v86 options (the image build attaches its own disks) */
  override?: Record<string, unknown>;
  /** serial console output (kernel messages, the console shell) */
  onSerial?: (bytes: Uint8Array) => void;
  /** how long to wait for the guest agent */
  readyTimeoutMs?: number;
  /** v86's JIT settings (DEFAULT_JIT unless given: the benchmark compares others) */
  jit?: JitSettings;
}

export const DEFAULT_IMAGE_DIR = path.resolve(import.meta.dirname, '../../images/out/dist');

const require = createRequire(import.meta.url);

/** v86's module for each JIT threshold, compiled once: a cluster's guests share it. */
const v86Modules = new Map<number, Promise<WebAssembly.Module>>();

/** v86's `wasm_fn` option: its WebAssembly with the given JIT threshold, instantiated with v86's imports. */
function instantiateV86(threshold: number): (imports: WebAssembly.Imports) => Promise<WebAssembly.Exports> {
  let module = v86Modules.get(threshold);
  if (!module) {
    module = readFile(require.resolve('v86/build/v86.wasm')).then((bytes) => WebAssembly.compile(withJitThreshold(bytes, threshold)));
    v86Modules.set(threshold, module);
  }
  const compiled = module;
  return async (imports) => (await WebAssembly.instantiate(await compiled, imports)).exports;
}

/**
 * A PageStore in a file of the system's temporary folder, made at the first page written and
 * deleted at once: its descriptor keeps it until `close`.
 */
export function filePageStore(): PageStore & { close(): void } {
  let fd: number | undefined;
  const open = () => {
    if (fd === undefined) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labbox-disk-'));
      fd = fs.openSync(path.join(dir, 'written'), 'w+');
      fs.rmSync(dir, { recursive: true });
    }
    return fd;
  };
  return {
    write: (slot, page) => void fs.writeSync(open(), page, 0, page.length, slot * page.length),
    read: (slot, into) => void fs.readSync(open(), into, 0, into.length, slot * into.length),
    close() {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
    },
  };
}

/** Bytes of the pages the guest wrote that a disk keeps in memory; the others go to its file. */
export const KEEP_WRITTEN_BYTES = 64 * 2 ** 20;

/**
 * The disks read as the page reads them (LazyDisk), from the image folder's part files, with
 * the zstd of the emulator `zstd()` returns once it exists; what the guest writes past
 * KEEP_WRITTEN_BYTES goes to a file of each disk's (closed by `close`).
 */
export function nodeDisks(imageDir: string, zstd: () => V86Zstd): DiskFactory & { close(): void } {
  const io: PartIO = {
    // fs.promises looked up at each read: the benchmark counts the bytes read through it
    fetch: async (file) => new Uint8Array(await fs.promises.readFile(file)).buffer,
    decompress: (size, data) => new Uint8Array(zstd().zstd_decompress(size, data)),
  };
  const failed = new Set<string>();
  const activity: DiskActivity = {
    readStarted() {},
    readDone() {},
    partFailed(file) {
      if (!failed.has(file)) console.error(`labbox: cannot read the disk part ${file} (retrying): is the image complete?`);
      failed.add(file);
    },
    partArrived: (file) => failed.delete(file),
  };
  const stores: { close(): void }[] = [];
  // local files: nothing to gain from reading ahead, and the benchmark counts only the parts read
  const disks = (d: DiskDescription) => {
    const store = filePageStore();
    stores.push(store);
    return LazyDisk.of(d, (p) => path.join(imageDir, p), io, activity, { readahead: 0, keepBytes: 256 * 2 ** 20, store, keepWrittenBytes: KEEP_WRITTEN_BYTES });
  };
  return Object.assign(disks, { close: () => stores.forEach((store) => store.close()) });
}

export async function loadManifest(imageDir: string): Promise<GuestManifest> {
  const file = path.join(imageDir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`no guest image at ${imageDir} (missing manifest.json): build it with \`npm run build:image\``);
  }
  return parseManifest(JSON.parse(text));
}

/** Reads the snapshot; a damaged one would hang or crash the emulator, so it is checked against the manifest. */
async function readSnapshot(imageDir: string, manifest: GuestManifest): Promise<ArrayBuffer> {
  const entry = manifest.files.state;
  let data: Buffer;
  try {
    data = await readFile(path.join(imageDir, entry.path));
  } catch {
    throw new Error(`the snapshot ${entry.path} is missing from ${imageDir}: rebuild the image with \`npm run build:image\``);
  }
  const digest = createHash('sha256').update(data).digest('hex');
  if (data.length !== entry.size || digest !== entry.sha256) {
    throw new Error(
      `the snapshot ${entry.path} is corrupt (${data.length} bytes, sha256 ${digest.slice(0, 12)}…; the manifest expects ` +
        `${entry.size} bytes, ${entry.sha256.slice(0, 12)}…): rebuild the image with \`npm run build:image\``,
    );
  }
  return new Uint8Array(data).buffer;
}

export class NodeVM {
  readonly agent: AgentClient;
  /** the snapshot's shell at its prompt, on a fresh restore (see GuestManifest.firstShell) */
  firstShell: FirstShell | undefined;
  private stopped = false;

  private constructor(
    readonly emulator: V86,
    readonly manifest: GuestManifest,
    private readonly disks: { close(): void },
  ) {
    this.agent = connectAgent(emulator);
  }

  /** Starts the guest (restores its snapshot unless `cold`) and waits until its agent answers. */
  static async start(options: NodeVmOptions = {}): Promise<NodeVM> {
    const imageDir = path.resolve(options.imageDir ?? process.env.LABBOX_IMAGE_DIR ?? DEFAULT_IMAGE_DIR);
    const manifest = forMachine(options.manifest ?? (await loadManifest(imageDir)), options.machine);
    const state = options.cold || options.state ? options.state : { buffer: await readSnapshot(imageDir, manifest) };
    const disks = nodeDisks(imageDir, () => emulator as unknown as V86Zstd);
    const config = {
      ...v86Options(manifest, (p) => path.join(imageDir, p), { ...options, state }, disks),
      wasm_fn: instantiateV86(options.jit?.threshold ?? DEFAULT_JIT.threshold),
      ...options.override,
    };
    const emulator: V86 = new V86(config as never);
    tuneJit(emulator, options.jit);
    trimDisks(emulator);
    restoreIntoFreshMemory(emulator, state && 'buffer' in state ? state.buffer : undefined);
    const vm = new NodeVM(emulator, manifest, disks);
    if (options.onSerial) {
      emulator.add_listener('serial0-output-byte', (byte: number) => options.onSerial!(Uint8Array.of(byte)));
    }
    if (!options.cold && !options.state) vm.firstShell = reserveFirstShell(vm.agent, manifest);
    try {
      await waitForAgent(emulator, vm.agent, !!options.cold, options.readyTimeoutMs);
    } catch (error) {
      await vm.stop();
      throw error;
    }
    return vm;
  }

  /** Runs a command in the guest; see AgentClient.exec. */
  exec(command: string, options?: Parameters<AgentClient['exec']>[1]) {
    return this.agent.exec(command, options);
  }

  /** Waits until `command` exits 0, retrying every second. */
  async waitFor(command: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const r = await this.agent.exec(command, { timeoutMs: Math.max(1000, deadline - Date.now()) });
      if (r.exitCode === 0) return;
      last = (r.stderr || r.stdout).trim();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new AgentError(`\`${command}\` did not succeed within ${Math.round(timeoutMs / 1000)} s${last ? `: ${last}` : ''}`);
  }

  sendSerial(data: string): void {
    this.emulator.serial0_send(data);
  }

  saveState(): Promise<ArrayBuffer> {
    return this.emulator.save_state();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.agent.abortAll('the guest was stopped');
    await this.emulator.stop();
    await this.emulator.destroy();
    this.disks.close();
  }
}
