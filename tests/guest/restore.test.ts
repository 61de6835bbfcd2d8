/** What a fresh restore of the snapshot gives, in the real guest: the JIT settings, today's clock, a shell already at its prompt. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { V86 } from 'v86';
import { describe, expect, it } from 'vitest';
import { V86_JIT_THRESHOLD } from '../../src/vm/jit-threshold';
import { DEFAULT_IMAGE_DIR, NodeVM, loadManifest, nodeDisks } from '../../src/vm/node-vm';
import { DEFAULT_JIT, v86Options, type V86Zstd } from '../../src/vm/options';
import { restoreIntoFreshMemory } from '../../src/vm/restore-memory';
import { ArrivingState } from '../../src/vm/arriving-state';
import { movePagesBack, movePagesToEnd, parseState } from '../../src/vm/snapshot-layout';
import { ok, useGuest } from './use-guest';

const guest = useGuest();

describe('a fresh restore', () => {
  it("runs v86's JIT with small modules (see DEFAULT_JIT)", () => {
    const exports = (guest.vm().emulator as unknown as { v86: { cpu: { wm: { exports: { get_jit_config(i: number): number } } } } }).v86.cpu.wm.exports;
    // MAX_PAGES, MAX_EXTRA_BASIC_BLOCKS
    expect([exports.get_jit_config(1), exports.get_jit_config(3)]).toEqual([1, 50]);
  });

  it("compiles guest code later than v86's own threshold would (see DEFAULT_JIT)", async () => {
    /** WebAssembly modules v86 compiles while a fresh restore runs `docker --version` */
    async function modulesCompiled(threshold: number): Promise<number> {
      const vm = await NodeVM.start({ jit: { ...DEFAULT_JIT, threshold } });
      try {
        const cpu = (vm.emulator as unknown as { v86: { cpu: { codegen_finalize(...args: unknown[]): void } } }).v86.cpu;
        const finalize = cpu.codegen_finalize.bind(cpu);
        let modules = 0;
        cpu.codegen_finalize = (...args) => (modules++, finalize(...args));
        await ok(vm, 'docker --version');
        return modules;
      } finally {
        await vm.stop();
      }
    }
    expect(DEFAULT_JIT.threshold).toBeGreaterThan(V86_JIT_THRESHOLD);
    const [ours, v86s] = [await modulesCompiled(DEFAULT_JIT.threshold), await modulesCompiled(V86_JIT_THRESHOLD)];
    // measured: 11 against 38
    expect(ours).toBeGreaterThan(0);
    expect(ours).toBeLessThan(v86s / 2);
  });

  it("wakes with the host's clock, set by the agent itself", async () => {
    const guestSeconds = Number(await ok(guest.vm(), 'date +%s'));
    expect(Math.abs(guestSeconds - Date.now() / 1000)).toBeLessThan(30);
  });

  it('has a login shell waiting at its prompt, which the host takes over and types into', async () => {
    const vm = guest.vm();
    const first = vm.firstShell;
    expect(first?.screen).toMatch(/root@labbox:~# $/);
    const output: string[] = [];
    const pty = vm.agent.attachPty(
      first!.channel,
      (d) => output.push(new TextDecoder().decode(d)),
      () => {},
    );
    pty.resize(100, 30);
    pty.write('echo "size=$(stty size) shell=$0"\r');
    await expect.poll(() => output.join(''), { timeout: 60_000, interval: 200 }).toMatch(/size=30 100 shell=-bash/);
    // commands get channels of their own, never the shell's
    expect(await ok(vm, 'echo still-separate')).toBe('still-separate\n');
    expect(vm.agent.nextChannelId).toBeGreaterThan(first!.channel + 1);
  });
});

describe('restoring into fresh memory', () => {
  /** v86 on the image, created on `state` and left stopped (the caller destroys it). */
  async function stoppedEmulator(state: ArrayBuffer): Promise<V86> {
    const manifest = await loadManifest(DEFAULT_IMAGE_DIR);
    const disks = nodeDisks(DEFAULT_IMAGE_DIR, () => emulator as unknown as V86Zstd);
    const options = { ...v86Options(manifest, (p) => path.join(DEFAULT_IMAGE_DIR, p), { state: { buffer: state } }, disks), autostart: false };
    const emulator: V86 = new V86({ ...options, wasm_path: createRequire(import.meta.url).resolve('v86/build/v86.wasm') } as never);
    return emulator;
  }

  /**
   * sha256 of the guest's memory once `state` is restored, before the guest runs an instruction;
   * with `arriving`, from that snapshot as it arrives (`onLoaded` runs once v86 has set the state)
   */
  async function memoryAfterRestore(state: ArrayBuffer, ours: boolean, arriving?: ArrivingState, onLoaded?: () => void): Promise<string> {
    const emulator = await stoppedEmulator(state);
    try {
      const memory = ours ? restoreIntoFreshMemory(emulator, state, arriving) : undefined;
      await new Promise<void>((resolve) => emulator.add_listener('emulator-loaded', () => resolve(onLoaded?.())));
      await memory;
      const cpu = (emulator as unknown as { v86: { cpu: { wasm_memory: WebAssembly.Memory; mem8: Uint8Array } } }).v86.cpu;
      const memoryBytes = new Uint8Array(cpu.wasm_memory.buffer, cpu.mem8.byteOffset, cpu.mem8.length);
      return createHash('sha256').update(memoryBytes).digest('hex');
    } finally {
      await emulator.destroy();
    }
  }

  /** The image's snapshot arriving: the part v86 reads at once now, the rest once v86 has set the state. */
  async function arrivingSnapshot(rest: (arriving: ArrivingState, snapshot: Uint8Array) => Promise<void>) {
    const manifest = await loadManifest(DEFAULT_IMAGE_DIR);
    const snapshot = new Uint8Array(readFileSync(path.join(DEFAULT_IMAGE_DIR, manifest.files.state.path)));
    const { streaming } = manifest.files.state;
    expect(streaming).toBeDefined();
    const arriving = new ArrivingState(snapshot.byteLength, streaming);
    const first = arriving.neededFor(streaming!.pagesAt);
    expect(first).toBeLessThan(snapshot.byteLength / 8);
    arriving.push(snapshot.subarray(0, first));
    let receivedWhenLoaded = -1;
    let feeding = Promise.resolve();
    const digest = memoryAfterRestore(arriving.slice(first).buffer, true, arriving, () => {
      receivedWhenLoaded = arriving.received;
      feeding = rest(arriving, snapshot);
    });
    return { snapshot, first, digest, fed: () => feeding, receivedWhenLoaded: () => receivedWhenLoaded };
  }

  /** The rest of the snapshot in 256 KiB pieces, each on a later turn of the event loop, up to `end`. */
  async function feed(arriving: ArrivingState, snapshot: Uint8Array, end = snapshot.byteLength): Promise<void> {
    for (let at = arriving.received; at < end; at = arriving.received) {
      await new Promise((resolve) => setImmediate(resolve));
      arriving.push(snapshot.subarray(at, Math.min(end, at + (256 << 10))));
    }
  }

  it('restores the snapshot as it arrives, byte for byte as from the whole file, the pages waiting for their bytes', async () => {
    const { snapshot, first, digest, fed, receivedWhenLoaded } = await arrivingSnapshot(async (arriving, bytes) => {
      await feed(arriving, bytes);
      arriving.finish(true);
    });
    const streamed = await digest;
    await fed();
    // v86 set the state with only the first part there; the pages came after
    expect(receivedWhenLoaded()).toBe(first);
    expect(streamed).toBe(await memoryAfterRestore(snapshot.slice().buffer, true));
  }, 240_000);

  it("fails, rather than running the guest, when the snapshot is damaged: the last page read checks zstd's checksum", async () => {
    /** the snapshot restored as it arrives, with one bit flipped `fromEnd` bytes before its end */
    const restoreDamaged = async (fromEnd: number) => {
      const { digest } = await arrivingSnapshot(async (arriving, bytes) => {
        const damaged = bytes.slice();
        damaged[damaged.byteLength - fromEnd] ^= 0x10;
        await feed(arriving, damaged);
        arriving.finish(true);
      });
      return digest;
    };
    // the checksum itself, the frame's last 4 bytes (the reader checks no SHA-256: this is the cached copy's check):
    // every page decodes as it should, and the last read fails all the same
    await expect(restoreDamaged(2)).rejects.toThrow(/do not match its checksum \(after \d+ of \d+ pages\)/);
    // a page's compressed bytes: whichever of the decoder or the checksum notices it
    await expect(restoreDamaged(1 << 20)).rejects.toThrow(/are damaged or do not match its checksum/);
  }, 240_000);

  it('fails, rather than running the guest, when the snapshot stops arriving half-way', async () => {
    const { digest } = await arrivingSnapshot(async (arriving, bytes) => {
      await feed(arriving, bytes, bytes.byteLength >> 1);
      arriving.fail(new Error('the offline cache stopped answering'));
    });
    await expect(digest).rejects.toThrow('the offline cache stopped answering');
  }, 240_000);

  it('lets go of the snapshot once the memory is in, though the emulator lives on', async () => {
    const manifest = await loadManifest(DEFAULT_IMAGE_DIR);
    const { streaming, size } = manifest.files.state;
    const snapshot = readFileSync(path.join(DEFAULT_IMAGE_DIR, manifest.files.state.path));
    let arriving: ArrivingState | undefined = new ArrivingState(size, streaming);
    for (let at = 0; at < size; at += 1 << 20) arriving.push(new Uint8Array(snapshot.subarray(at, at + (1 << 20))));
    arriving.finish(true);
    const arrived = new WeakRef(arriving);
    const first = arriving.slice(arriving.neededFor(streaming!.pagesAt)).buffer;
    const emulator = await stoppedEmulator(first);
    try {
      await restoreIntoFreshMemory(emulator, first, arriving);
      // the test's reference goes; v86 and the restore's hooks stay, as in a running page
      arriving = undefined;
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      for (let i = 0; i < 5 && arrived.deref(); i++) {
        await new Promise((resolve) => setImmediate(resolve));
        gc();
      }
      // a boolean: printing the snapshot's 34 MiB of pieces would exhaust the heap
      expect(arrived.deref() === undefined, 'the snapshot is still held').toBe(true);
    } finally {
      await emulator.destroy();
    }
  }, 240_000);

  it("leaves the guest's memory byte for byte as v86's own restore of v86's own layout does", async () => {
    const manifest = await loadManifest(DEFAULT_IMAGE_DIR);
    const file = path.join(DEFAULT_IMAGE_DIR, manifest.files.state.path);
    const snapshot = new Uint8Array(readFileSync(file)).buffer;
    // the snapshot keeps its pages at its end (snapshot-layout.ts): v86 alone restores them where v86 puts them
    const decompressed = execFileSync('zstd', ['-dc', file], { maxBuffer: 1 << 30 });
    expect(parseState(decompressed).trailingPages.byteLength).toBeGreaterThan(64 << 20);
    const v86Layout = movePagesBack(decompressed);
    const expected = await memoryAfterRestore(v86Layout.slice().buffer, false);
    // from the zstd stream (the image's snapshot), and from an uncompressed state (a saved machine, gunzipped)
    expect(await memoryAfterRestore(snapshot, true)).toBe(expected);
    expect(await memoryAfterRestore(movePagesToEnd(v86Layout).buffer, true)).toBe(expected);
    // and the empty memory v86 alone makes of the snapshot shows the pages are ours to place
    expect(await memoryAfterRestore(snapshot, false)).not.toBe(expected);
  }, 240_000);
});
