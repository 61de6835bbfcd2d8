/**
 * ATA TRIM for v86's IDE disks, so that the blocks the guest frees are given back.
 *
 * v86's IDE drive has no DATA SET MANAGEMENT command, and says ATA-0 in its IDENTIFY data:
 * the guest's kernel sees a disk without discard (`/sys/block/sda/queue/discard_max_bytes` 0),
 * and blocks a deleted file held stay in the emulator's overlay for good. On each drive whose
 * buffer can discard (LazyDisk), this hook:
 * - answers IDENTIFY as QEMU's IDE drive does: ATA-7 (word 80), TRIM supported (word 169), an
 *   80-wire PATA device (word 93; libata takes ATA-7 with word 93 zero for SATA);
 * - takes DATA SET MANAGEMENT with TRIM (command 0x06, feature 1) as a DMA write of its
 *   payload, one 8-byte range per entry (48-bit LBA, 16-bit sector count), and hands each range
 *   to the buffer's `discard`. The command runs through v86's own DMA write path (WRITE DMA EXT),
 *   with the LBA registers at TRIM_LBA (past any disk) to mark it: a state saved between the
 *   command and its DMA restores as the same TRIM.
 * libata turns the discards of ext4 (the `discard` mount option, `fstrim`) into such commands
 * (WRITE SAME 16 with UNMAP, translated to DSM TRIM) once the drive says it has TRIM; the
 * kernel reads IDENTIFY when it probes the disk, at a cold boot.
 */
import type { V86 } from 'v86';
import { onCpuReady } from './options';

/** The buffer interface's addition: forget [offset, offset+len). */
export interface Discarding {
  discard(offset: number, len: number): void;
}

/** The parts of v86's IDE drive (IDEInterface) the hook reaches (untyped in v86.d.ts). */
export interface IdeDrive {
  buffer: unknown;
  is_atapi: boolean;
  drive_connected: boolean;
  data: Uint8Array;
  current_command: number;
  features_reg: number;
  sector_count_reg: number;
  lba_low_reg: number;
  lba_mid_reg: number;
  lba_high_reg: number;
  status_reg: number;
  error_reg: number;
  channel: { dma_status: number };
  ata_command(cmd: number): void;
  create_identify_packet(): void;
  do_ata_write_sectors_dma(): void;
  ata_abort_command(): void;
  get_lba48(): number;
}

interface Ide {
  primary?: { master?: IdeDrive; slave?: IdeDrive };
  secondary?: { master?: IdeDrive; slave?: IdeDrive };
}

const ATA_CMD_DSM = 0x06;
const ATA_DSM_TRIM = 0x01;
const ATA_CMD_WRITE_DMA_EXT = 0x35;
/** the LBA (in sectors) that marks a TRIM's DMA: the largest LBA48 registers hold, past any disk */
export const TRIM_LBA = 0xffffffff;
const SECTOR = 512;

const canDiscard = (buffer: unknown): buffer is Discarding => typeof (buffer as Partial<Discarding> | null)?.discard === 'function';

/** The ranges of a TRIM payload: 8-byte little-endian entries, 48-bit LBA and 16-bit count; a zero count ends nothing, it is skipped. */
export function trimRanges(payload: Uint8Array): { offset: number; length: number }[] {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const ranges: { offset: number; length: number }[] = [];
  for (let at = 0; at + 8 <= payload.length; at += 8) {
    const lba = view.getUint32(at, true) + view.getUint16(at + 4, true) * 2 ** 32;
    const count = view.getUint16(at + 6, true);
    if (count > 0) ranges.push({ offset: lba * SECTOR, length: count * SECTOR });
  }
  return ranges;
}

const patched = new WeakSet<object>();

/**
 * Gives TRIM to the IDE drives of v86's IDEInterface class (see the module's comment), through
 * its prototype: v86 seals each drive. A drive whose buffer cannot discard, or a CD-ROM, works
 * as before.
 */
export function addTrim(proto: IdeDrive): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  const { create_identify_packet: identify, ata_command: command, do_ata_write_sectors_dma: dmaWrite } = proto;
  const trims = (drive: IdeDrive) => !drive.is_atapi && canDiscard(drive.buffer);
  proto.create_identify_packet = function (this: IdeDrive) {
    identify.call(this);
    if (!trims(this)) return;
    const word = (index: number, value: number) => {
      this.data[2 * index] = value & 0xff;
      this.data[2 * index + 1] = value >> 8;
    };
    word(80, 0x00f0); // ATA-4 to ATA-7
    word(93, 0x6001); // PATA: device 0 passed its diagnostics, 80-wire cable
    word(169, 0x0001); // DATA SET MANAGEMENT: TRIM
  };
  proto.ata_command = function (this: IdeDrive, cmd: number) {
    if (cmd !== ATA_CMD_DSM || !this.drive_connected || !trims(this)) return command.call(this, cmd);
    this.error_reg = 0;
    if ((this.features_reg & 0xff) !== ATA_DSM_TRIM) {
      this.current_command = cmd;
      return this.ata_abort_command();
    }
    // the payload comes as a DMA write, marked by the LBA no write can have
    this.current_command = ATA_CMD_WRITE_DMA_EXT;
    this.lba_low_reg = 0xffff;
    this.lba_mid_reg = 0xff;
    this.lba_high_reg = 0xff;
    this.status_reg = 0x58;
    this.channel.dma_status |= 1;
  };
  proto.do_ata_write_sectors_dma = function (this: IdeDrive) {
    if (this.get_lba48() !== TRIM_LBA || !trims(this)) return dmaWrite.call(this);
    const disk = this.buffer as Discarding;
    // v86's DMA write gathers the payload from the guest's PRD table and hands it to buffer.set
    this.buffer = {
      set(_start: number, payload: Uint8Array, done: () => void) {
        for (const { offset, length } of trimRanges(payload)) disk.discard(offset, length);
        done();
      },
    };
    try {
      dmaWrite.call(this);
    } finally {
      this.buffer = disk;
    }
  };
}

/** Gives TRIM to the emulator's IDE disks whose buffer can discard, once v86's devices exist. */
export function trimDisks(emulator: V86): void {
  onCpuReady<{ devices?: { ide?: Ide } }>(emulator, (cpu) => {
    const ide = cpu.devices?.ide;
    const drive = ide?.primary?.master ?? ide?.secondary?.master;
    if (drive) addTrim(Object.getPrototypeOf(drive) as IdeDrive);
  });
}
