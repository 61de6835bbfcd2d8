/**
 * The guest's disk filled and emptied, in the real guest: what the emulator keeps of the blocks
 * written (src/vm/written-blocks.ts), the memory it costs, what the guest's discards give back
 * (src/vm/ide-trim.ts), and the save after. Each prints the figure it measured
 * (docs/reliability.md, docs/design/disk-discard.md).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NodeVM } from '../../src/vm/node-vm';
import type { LazyDisk } from '../../src/vm/lazy-disk';
import { ok, run } from './use-guest';

const MiB = 2 ** 20;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const figure = (what: string) => console.log(`figure: ${what}`);

const vms: NodeVM[] = [];
afterEach(async () => {
  for (const vm of vms.splice(0)) await vm.stop();
});

async function start(state?: ArrayBuffer): Promise<NodeVM> {
  const vm = await NodeVM.start(state ? { state: { buffer: state } } : {});
  vms.push(vm);
  return vm;
}

/** The guest's root disk, as v86 holds it. */
const rootDisk = (vm: NodeVM) =>
  (vm.emulator as unknown as { v86: { cpu: { devices: { ide: { primary: { master: { buffer: LazyDisk } } } } } } }).v86.cpu.devices.ide.primary.master.buffer;

/** The JavaScript memory the process holds: its heap and its ArrayBuffers (v86's guest memory is outside both). */
const jsMemory = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;

/**
 * The guest's root disk with discard. A kernel that probed the disk before v86's drive had TRIM
 * (a snapshot made before it) sees it once libata probes the port again; says which it was.
 */
async function withDiscard(vm: NodeVM): Promise<string> {
  const max = async () => Number((await ok(vm, 'cat /sys/block/sda/queue/discard_max_bytes')).trim());
  const mounted = async () => / ext4 [^ ]*discard/.test(await ok(vm, "grep '^/dev/sda / ' /proc/mounts"));
  if ((await max()) > 0 && (await mounted())) return 'discard from the start';
  await ok(vm, "echo '- - -' > /sys/class/scsi_host/host0/scan; sleep 2; mount -o remount,discard /");
  expect(await max()).toBeGreaterThan(0);
  expect(await mounted()).toBe(true);
  return 'discard after the disk was probed again (a snapshot made before the drive had TRIM)';
}

/** Fills the root disk with `source` until it is full; returns the seconds it took. */
async function fill(vm: NodeVM, source: string): Promise<number> {
  const started = Date.now();
  const r = await run(vm, `dd if=${source} of=/fill bs=1M 2>&1 | tail -1; sync`, 900_000);
  expect(r.stdout).toMatch(/copied/);
  expect((await ok(vm, 'df --output=avail / | tail -1')).trim()).toBe('0');
  return (Date.now() - started) / 1000;
}

describe('a full disk, emptied', () => {
  it('dd if=/dev/zero fills the disk: the emulator holds no bytes for it; rm gives the pages back; the save after is no larger than before, and restores', async () => {
    const vm = await start();
    const how = await withDiscard(vm);
    await ok(vm, 'echo before > /root/work.txt && sync');
    const disk = rootDisk(vm);
    const before = await vm.saveState();
    const written0 = disk.writtenSize();
    const memory0 = jsMemory();
    const took = await fill(vm, '/dev/zero');
    const full = disk.writtenSize();
    const grown = jsMemory() - memory0;
    figure(
      `dd if=/dev/zero: disk full in ${took.toFixed(0)} s; ${full.pages} pages written, ${mib(full.bytes)} of them in memory, ${mib(full.stored)} in the file; ` +
        `the process's JavaScript memory grew ${mib(grown)} (${how})`,
    );
    expect(full.pages - written0.pages).toBeGreaterThan(300_000);
    expect(full.bytes).toBeLessThan(70 * MiB);
    expect(grown).toBeLessThan(300 * MiB);

    await ok(vm, 'rm /fill && sync && echo after > /root/after.txt && sync');
    const emptied = disk.writtenSize();
    const after = await vm.saveState();
    figure(
      `after rm: ${emptied.pages} pages written (${written0.pages} before the dd); the save ${mib(after.byteLength)} raw, ${mib(before.byteLength)} before the dd`,
    );
    expect(emptied.pages).toBeLessThan(written0.pages + 1000);
    expect(after.byteLength).toBeLessThan(before.byteLength + 8 * MiB);

    const back = await start(after);
    expect((await ok(back, 'cat /root/work.txt /root/after.txt; test -e /fill || echo no-fill')).trim()).toBe('before\nafter\nno-fill');
    expect(Number((await ok(back, 'df --output=avail / | tail -1')).trim())).toBeGreaterThan(1024 * 1024);
  }, 1_200_000);

  it('dd if=/dev/urandom fills the disk: past 64 MiB the pages go to a file, memory stays bounded; rm gives them back and the save after is small', async () => {
    const vm = await start();
    await withDiscard(vm);
    const disk = rootDisk(vm);
    const before = await vm.saveState();
    const memory0 = jsMemory();
    const took = await fill(vm, '/dev/urandom');
    const full = disk.writtenSize();
    const grown = jsMemory() - memory0;
    figure(
      `dd if=/dev/urandom: disk full in ${took.toFixed(0)} s; ${mib(full.bytes)} written pages in memory, ${mib(full.stored)} in the file; ` +
        `the process's JavaScript memory grew ${mib(grown)}`,
    );
    expect(full.stored).toBeGreaterThan(1200 * MiB);
    expect(full.bytes).toBeLessThanOrEqual(64 * MiB);
    expect(grown).toBeLessThan(300 * MiB);

    await ok(vm, 'rm /fill && sync');
    const emptied = disk.writtenSize();
    const after = await vm.saveState();
    figure(
      `after rm: ${mib(emptied.bytes + emptied.stored)} of written pages left; the save ${mib(after.byteLength)} raw, ${mib(before.byteLength)} before the dd`,
    );
    expect(emptied.bytes + emptied.stored).toBeLessThan(16 * MiB);
    expect(after.byteLength).toBeLessThan(before.byteLength + 8 * MiB);
  }, 1_800_000);
});
