import { describe, expect, it } from 'vitest';
import { addTrim, trimRanges, TRIM_LBA, type IdeDrive } from '../../src/vm/ide-trim';

/** A stand-in for v86's IDEInterface: the registers and the methods the hook wraps, as v86 has them. */
class FakeDrive {
  is_atapi = false;
  drive_connected = true;
  data = new Uint8Array(512);
  current_command = -1;
  features_reg = 0;
  sector_count_reg = 0;
  lba_low_reg = 0;
  lba_mid_reg = 0;
  lba_high_reg = 0;
  status_reg = 0x50;
  error_reg = 0;
  channel = { dma_status: 0 };
  commands: number[] = [];
  /** what the guest's PRD table points at */
  dmaPayload: Uint8Array = new Uint8Array(0);
  constructor(public buffer: unknown) {
    Object.seal(this); // as v86 seals its drives
  }
  ata_command(cmd: number) {
    this.current_command = cmd;
    this.commands.push(cmd);
  }
  create_identify_packet() {
    this.data.fill(0);
    this.data[0] = 0x40;
  }
  ata_abort_command() {
    this.error_reg = 4;
    this.status_reg = 0x41;
  }
  get_lba48() {
    return ((this.lba_low_reg & 255) | ((this.lba_mid_reg << 8) & 0xff00) | ((this.lba_high_reg << 16) & 0xff0000) | ((this.lba_low_reg >> 8) << 24)) >>> 0;
  }
  do_ata_write_sectors_dma() {
    (this.buffer as { set(start: number, data: Uint8Array, fn: () => void): void }).set(this.get_lba48() * 512, this.dmaPayload, () => {
      this.status_reg = 0x50;
      this.channel.dma_status &= ~1;
      this.current_command = -1;
    });
  }
}
addTrim(FakeDrive.prototype as unknown as IdeDrive);

function disk() {
  const writes: [number, number][] = [];
  const discards: [number, number][] = [];
  return {
    writes,
    discards,
    set: (start: number, data: Uint8Array, fn: () => void) => (writes.push([start, data.length]), fn()),
    discard: (offset: number, len: number) => discards.push([offset, len]),
  };
}

const word = (drive: FakeDrive, index: number) => drive.data[2 * index] | (drive.data[2 * index + 1] << 8);

function trimPayload(ranges: [lba: number, count: number][]): Uint8Array {
  const payload = new Uint8Array(512);
  const view = new DataView(payload.buffer);
  ranges.forEach(([lba, count], i) => {
    view.setUint32(8 * i, lba % 2 ** 32, true);
    view.setUint16(8 * i + 4, Math.floor(lba / 2 ** 32), true);
    view.setUint16(8 * i + 6, count, true);
  });
  return payload;
}

describe('ATA TRIM on v86 IDE drives', () => {
  it('says ATA-7 with TRIM in IDENTIFY for a disk that can discard, and nothing new for one that cannot or a CD-ROM', () => {
    const trimming = new FakeDrive(disk());
    trimming.create_identify_packet();
    expect([word(trimming, 0), word(trimming, 80), word(trimming, 93), word(trimming, 169)]).toEqual([0x40, 0xf0, 0x6001, 1]);
    const plain = new FakeDrive({ set() {} });
    plain.create_identify_packet();
    expect([word(plain, 80), word(plain, 169)]).toEqual([0, 0]);
    const cd = new FakeDrive(disk());
    cd.is_atapi = true;
    cd.create_identify_packet();
    expect(word(cd, 169)).toBe(0);
  });

  it('reads the 8-byte ranges of a TRIM payload, 48-bit LBAs included, and skips empty entries', () => {
    expect(
      trimRanges(
        trimPayload([
          [8, 16],
          [0, 0],
          [2 ** 33 + 1, 65535],
        ]),
      ),
    ).toEqual([
      { offset: 8 * 512, length: 16 * 512 },
      { offset: (2 ** 33 + 1) * 512, length: 65535 * 512 },
    ]);
  });

  it('takes DATA SET MANAGEMENT TRIM as a DMA write of its payload and hands each range to discard, not to set', () => {
    const d = disk();
    const drive = new FakeDrive(d);
    drive.features_reg = 1;
    drive.sector_count_reg = 1;
    drive.ata_command(0x06);
    expect(drive.commands).toEqual([]); // not v86's: it would abort the unknown command
    expect(drive.get_lba48()).toBe(TRIM_LBA);
    expect(drive.channel.dma_status & 1).toBe(1);
    drive.dmaPayload = trimPayload([
      [2048, 8],
      [4096, 1],
    ]);
    drive.do_ata_write_sectors_dma();
    expect(d.discards).toEqual([
      [2048 * 512, 4096],
      [4096 * 512, 512],
    ]);
    expect(d.writes).toEqual([]);
    expect(drive.buffer).toBe(d);
    expect(drive.status_reg).toBe(0x50);
    // an ordinary DMA write still writes
    drive.current_command = 0x35;
    drive.lba_low_reg = 4;
    drive.lba_mid_reg = 0;
    drive.lba_high_reg = 0;
    drive.do_ata_write_sectors_dma();
    expect(d.writes).toEqual([[2048, 512]]);
  });

  it('aborts DATA SET MANAGEMENT other than TRIM, and leaves the command to v86 on a disk that cannot discard', () => {
    const drive = new FakeDrive(disk());
    drive.features_reg = 2;
    drive.ata_command(0x06);
    expect(drive.error_reg).toBe(4);
    const plain = new FakeDrive({ set() {} });
    plain.ata_command(0x06);
    expect(plain.commands).toEqual([0x06]);
  });
});
