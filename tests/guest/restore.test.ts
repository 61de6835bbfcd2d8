/** What a fresh restore of the snapshot gives, in the real guest: the JIT settings, today's clock, a shell already at its prompt. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { V86 } from 'v86';
import { describe, expect, it } from 'vitest';
import { V86_JIT_THRESHOLD } from '../../src/vm/jit-threshold';
import { DEFAULT_IMAGE_DIR, NodeVM, loadManifest, nodeDisks } from '../../src/vm/node-vm';
import { DEFAULT_JIT, v86Options, type V86Zstd } from '../../src/vm/options';
import { restoreIntoFreshMemory } from '../../src/vm/restore-memory';
import { movePagesBack, movePagesToEnd, parseState } from '../../src/vm/snapshot-layout';
import { ok, useGuest } from './guest';

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
    const pty = vm.agent.attachPty(first!.channel, (d) => output.push(new TextDecoder().decode(d)), () => {});
    pty.resize(100, 30);
    pty.write('echo "size=$(stty size) shell=$0"\r');
    await expect.poll(() => output.join(''), { timeout: 60_000, interval: 200 }).toMatch(/size=30 100 shell=-bash/);
    // commands get channels of their own, never the shell's
    expect(await ok(vm, 'echo still-separate')).toBe('still-separate\n');
    expect(vm.agent.nextChannelId).toBeGreaterThan(first!.channel + 1);
  });
});

describe('restoring into fresh memory', () => {
  /** sha256 of the guest's memory once `state` is restored, before the guest runs an instruction */
  async function memoryAfterRestore(state: ArrayBuffer, ours: boolean): Promise<string> {
    const manifest = await loadManifest(DEFAULT_IMAGE_DIR);
    let emulator: V86 | undefined;
    const disks = nodeDisks(DEFAULT_IMAGE_DIR, () => emulator as unknown as V86Zstd);
    const options = { ...v86Options(manifest, (p) => path.join(DEFAULT_IMAGE_DIR, p), { state: { buffer: state } }, disks), autostart: false };
    emulator = new V86({ ...options, wasm_path: createRequire(import.meta.url).resolve('v86/build/v86.wasm') } as never);
    if (ours) restoreIntoFreshMemory(emulator, state);
    await new Promise((resolve) => emulator.add_listener('emulator-loaded', resolve));
    const cpu = (emulator as unknown as { v86: { cpu: { wasm_memory: WebAssembly.Memory; mem8: Uint8Array } } }).v86.cpu;
    const memory = new Uint8Array(cpu.wasm_memory.buffer, cpu.mem8.byteOffset, cpu.mem8.length);
    const digest = createHash('sha256').update(memory).digest('hex');
    await emulator.destroy();
    return digest;
  }

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
