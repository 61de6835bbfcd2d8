/**
 * v86 options for the LabBox guest, from its manifest. The page's worker and the Node
 * runner both use this, so a snapshot made by one restores in the other.
 */
import type { V86 } from 'v86';
import type { DiskDescription, GuestManifest } from './manifest';

export const GUEST_MEMORY = 512 * 1024 * 1024;
export const GUEST_VGA_MEMORY = 2 * 1024 * 1024;
/**
 * init_on_free zeroes freed pages, so a snapshot stores little besides live data;
 * quiet boot and no mitigations save seconds of emulated time; `lsm=capability` leaves out
 * the security modules Debian's kernel starts (SELinux without a policy, TOMOYO, Landlock,
 * IMA/EVM), whose hooks run on every file operation and nothing in the labs uses.
 * GODEBUG reaches every Go program the guest runs (the kernel hands unknown `name=value`
 * words to init's environment): Go's asynchronous preemption interrupts a goroutine every
 * 10 ms and looks its PC up in the binary's tables, so in the emulator, where a docker CLI runs
 * for most of a second, each run read pages of those tables no run had read before and the
 * snapshot could not hold: 30-60 disk reads in the first `docker ps` after a restore, none
 * without it, and 5 % fewer instructions. Goroutines still yield at every call.
 */
export const GUEST_CMDLINE =
  'console=ttyS0 quiet loglevel=3 tsc=reliable mitigations=off random.trust_cpu=on lsm=capability init_on_free=1 nowatchdog ' + 'GODEBUG=asyncpreemptoff=1';

/** v86's own zstd decoder, on the emulator's thread (untyped in v86.d.ts). */
export interface V86Zstd {
  zstd_decompress(size: number, src: Uint8Array): ArrayBuffer;
}

/** What v86 reads a disk through: an object with v86's buffer interface (LazyDisk, or a whole image in memory). */
export type DiskFactory = (disk: DiskDescription) => unknown;

export interface BootMode {
  /** restore the snapshot (default) or cold-boot the kernel */
  cold?: boolean;
  /** a state to restore instead of the manifest's (a saved session) */
  state?: { url: string } | { buffer: ArrayBuffer };
}

/**
 * @param resolve maps a manifest path (relative to the image folder) to a URL or file path
 * @param disk reads a disk
 */
export function v86Options(manifest: GuestManifest, resolve: (path: string) => string, mode: BootMode = {}, disk: DiskFactory): Record<string, unknown> {
  const options: Record<string, unknown> = {
    memory_size: manifest.v86.memorySize,
    vga_memory_size: manifest.v86.vgaMemorySize,
    bios: { url: resolve(manifest.files.bios.path) },
    vga_bios: { url: resolve(manifest.files.vgaBios.path) },
    hda: disk(manifest.disk),
    // a restore must see the same drives as the saved state, so the extras disk is always attached
    ...(manifest.extras && { hdb: disk(manifest.extras) }),
    virtio_console: true,
    // eth0 for the cluster's virtual switch (v86 adds an ne2k card, which the guest has no driver for, unless told)
    net_device: { type: 'virtio' },
    autostart: true,
    disable_keyboard: true,
    disable_mouse: true,
    disable_speaker: true,
    fastboot: true,
  };
  if (mode.cold) {
    options.bzimage = { url: resolve(manifest.files.kernel.path) };
    options.initrd = { url: resolve(manifest.files.initrd.path) };
    options.cmdline = manifest.v86.cmdline;
  } else {
    options.initial_state = mode.state ?? { url: resolve(manifest.files.state.path) };
  }
  return options;
}

/** v86's JIT settings: module limits, changeable at run time (`set_jit_config`), and the threshold, patched into its WebAssembly. */
export interface JitSettings {
  /** guest pages one compiled module may cover (v86: 3) */
  maxPages: number;
  /** basic blocks a module may add beyond its entry points' loops (v86: 250) */
  maxExtraBasicBlocks: number;
  /** instructions a page's code runs in the interpreter before v86 compiles it (v86: 200 000; src/vm/jit-threshold.ts) */
  threshold: number;
}

/**
 * v86 compiles hot guest code into WebAssembly modules, one at a time, and keeps at most 899
 * of them: when that table is full it drops every module and compiles again from nothing.
 * Docker's Go programs run a lot of code only a few times, so the host spends more time
 * compiling modules than running them (in a browser, its compiler threads take the
 * emulator's core). v86's own limits (3 pages, 250 extra blocks) make modules slow to compile:
 * `docker run` and `docker info` take 1.5-2x longer. With one page and 50 blocks
 * the table fills within about six `docker run`s, and the run after costs 2-3x a steady one;
 * bigger modules (2-3 pages, 20-50 blocks) fill it later but warm up slower, and are no
 * faster over 16 runs in the same benchmark run (docs/design/jit-tuning.md, `npm run bench -- --jit`).
 * v86 compiles a page once its code ran 200 000 instructions in the interpreter: in Go's
 * start-up much code runs just often enough to pass that and is then dropped with the table.
 * At 350 000 to 1 000 000 (alternated in one probe) a steady `docker run` takes about 0.7x as
 * long; lower thresholds are 2-2.5x slower, and slower for the first `docker ps` after a
 * restore too (1.5-2x at 20 000-100 000, which compile 3-10x more modules).
 */
export const DEFAULT_JIT: JitSettings = { maxPages: 1, maxExtraBasicBlocks: 50, threshold: 500_000 };

/** The part of v86's CPU the JIT tuning reaches (untyped in v86.d.ts). */
interface V86Cpu {
  wm?: { exports?: { set_jit_config?(index: number, value: number): void } };
}

/** Runs `tune` on v86's CPU once its WebAssembly is up, before a state is restored or the guest runs. */
export function onCpuReady<Cpu = V86Cpu>(emulator: V86, tune: (cpu: Cpu) => void): void {
  emulator.add_listener('emulator-ready', () => {
    const cpu = (emulator as unknown as { v86?: { cpu?: Cpu } }).v86?.cpu;
    if (cpu) tune(cpu);
  });
}

/** Applies JIT module limits once v86's WebAssembly is up, before the guest runs a single instruction (the threshold is in that WebAssembly: withJitThreshold). */
export function tuneJit(emulator: V86, settings: JitSettings = DEFAULT_JIT): void {
  onCpuReady(emulator, (cpu) => {
    // set_jit_config's indices: 1 MAX_PAGES, 3 MAX_EXTRA_BASIC_BLOCKS
    cpu.wm?.exports?.set_jit_config?.(1, settings.maxPages);
    cpu.wm?.exports?.set_jit_config?.(3, settings.maxExtraBasicBlocks);
  });
}
