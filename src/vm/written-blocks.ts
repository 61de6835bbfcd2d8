/**
 * What the guest wrote to a disk, over the image's content: v86's 256-byte blocks, kept by
 * 4 KiB page (16 blocks), the unit ext4 writes.
 * - A page whose written blocks are all zero holds no bytes: `dd if=/dev/zero` over the whole
 *   disk costs one small entry per 4 KiB, not the bytes.
 * - Blocks the guest discards (ATA TRIM, src/vm/ide-trim.ts) are dropped: they read as the
 *   image's content again, and a save no longer holds them.
 * - The state (v86's save) holds one entry per run of written blocks in a page, and one entry
 *   per run of zero pages: `[block, bytes]` (a multiple of 256 bytes) or `[block, count]`
 *   (`count` zero blocks). v86's own layout, one `[block, 256 bytes]` per block, is a case of it
 *   and restores as well.
 */

export const BLOCK = 256;
const PAGE = 4096;
const PER_PAGE = PAGE / BLOCK;
const FULL = (1 << PER_PAGE) - 1;

interface Page {
  /** which of the page's 16 blocks were written */
  mask: number;
  /** the page's bytes; null while every written block is zero */
  data: Uint8Array | null;
}

/** One entry of the state: bytes of whole blocks from `block` on, or `count` zero blocks. */
export type WrittenEntry = [block: number, content: Uint8Array | number];

function isZero(bytes: Uint8Array): boolean {
  const words = bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : bytes;
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}

/** The bits of blocks [from, to) of a page (block numbers within the page). */
const bits = (from: number, to: number) => (to - from === PER_PAGE ? FULL : ((1 << (to - from)) - 1) << from);

export class WrittenBlocks {
  private readonly pages = new Map<number, Page>();

  /** pages with at least one written block */
  get pageCount(): number {
    return this.pages.size;
  }

  /** bytes held for written blocks (zero pages hold none) */
  get heldBytes(): number {
    let n = 0;
    for (const page of this.pages.values()) if (page.data) n += PAGE;
    return n;
  }

  has(block: number): boolean {
    const page = this.pages.get(Math.floor(block / PER_PAGE));
    return !!page && (page.mask & (1 << block % PER_PAGE)) !== 0;
  }

  /** Whether every block of [offset, offset+len) was written (both multiples of 256). */
  hasAll(offset: number, len: number): boolean {
    for (let b = offset / BLOCK; b < (offset + len) / BLOCK; ) {
      const p = Math.floor(b / PER_PAGE);
      const to = Math.min((p + 1) * PER_PAGE, (offset + len) / BLOCK);
      const want = bits(b - p * PER_PAGE, to - p * PER_PAGE);
      if (((this.pages.get(p)?.mask ?? 0) & want) !== want) return false;
      b = to;
    }
    return true;
  }

  /** Writes whole blocks from `offset` (a multiple of 256); null `data` writes `len` zero bytes. */
  write(offset: number, data: Uint8Array | null, len = data?.length ?? 0): void {
    const end = offset + len;
    for (let p = Math.floor(offset / PAGE); p * PAGE < end; p++) {
      const from = Math.max(offset, p * PAGE);
      const to = Math.min(end, (p + 1) * PAGE);
      const bytes = data?.subarray(from - offset, to - offset);
      const zero = !bytes || isZero(bytes);
      let page = this.pages.get(p);
      if (!page) this.pages.set(p, (page = { mask: 0, data: null }));
      page.mask |= bits((from - p * PAGE) / BLOCK, (to - p * PAGE) / BLOCK);
      if (zero && !page.data) continue;
      page.data ??= new Uint8Array(PAGE);
      if (bytes) page.data.set(bytes, from - p * PAGE);
      else page.data.fill(0, from - p * PAGE, to - p * PAGE);
      if (zero && isZero(page.data)) page.data = null;
    }
  }

  /** Forgets the whole blocks inside [offset, offset+len): they read as the image's again. */
  discard(offset: number, len: number): void {
    const first = Math.ceil(offset / BLOCK);
    const end = Math.floor((offset + len) / BLOCK);
    if (end <= first) return;
    const firstPage = Math.floor(first / PER_PAGE);
    const lastPage = Math.floor((end - 1) / PER_PAGE);
    const clear = (p: number) => {
      const page = this.pages.get(p);
      if (!page) return;
      const from = Math.max(first, p * PER_PAGE) - p * PER_PAGE;
      const to = Math.min(end, (p + 1) * PER_PAGE) - p * PER_PAGE;
      page.mask &= ~bits(from, to);
      if (page.mask === 0) this.pages.delete(p);
    };
    // a discard of the whole disk (fstrim, mkfs) walks the pages held rather than the range
    if (lastPage - firstPage + 1 > this.pages.size) {
      for (const p of [...this.pages.keys()]) if (p >= firstPage && p <= lastPage) clear(p);
    } else {
      for (let p = firstPage; p <= lastPage; p++) clear(p);
    }
  }

  /** Copies the written blocks of [offset, offset+len) into `out` (the disk's bytes from `offset`). */
  overlay(offset: number, out: Uint8Array): void {
    const end = offset + out.length;
    for (let p = Math.floor(offset / PAGE); p * PAGE < end; p++) {
      const page = this.pages.get(p);
      if (!page) continue;
      for (let k = 0; k < PER_PAGE; k++) {
        if (!(page.mask & (1 << k))) continue;
        const at = p * PAGE + k * BLOCK;
        if (at + BLOCK <= offset || at >= end) continue;
        const from = Math.max(at, offset);
        const to = Math.min(at + BLOCK, end);
        if (page.data) out.set(page.data.subarray(from - p * PAGE, to - p * PAGE), from - offset);
        else out.fill(0, from - offset, to - offset);
      }
    }
  }

  /** The state: runs of written blocks within each page, and runs of zero blocks across pages, by block number. */
  entries(): WrittenEntry[] {
    const out: WrittenEntry[] = [];
    let zeroRun: [number, number] | null = null;
    for (const p of [...this.pages.keys()].sort((a, b) => a - b)) {
      const page = this.pages.get(p)!;
      for (let k = 0; k < PER_PAGE; ) {
        if (!(page.mask & (1 << k))) {
          k++;
          continue;
        }
        let n = 1;
        while (k + n < PER_PAGE && page.mask & (1 << (k + n))) n++;
        const block = p * PER_PAGE + k;
        if (page.data) {
          out.push([block, page.data.subarray(k * BLOCK, (k + n) * BLOCK)]);
          zeroRun = null;
        } else if (zeroRun && zeroRun[0] + zeroRun[1] === block) {
          zeroRun[1] += n;
        } else {
          out.push((zeroRun = [block, n]));
        }
        k += n;
      }
    }
    return out;
  }

  /** Replaces what is held by a state's entries (this layout or v86's). */
  restore(entries: WrittenEntry[]): void {
    this.pages.clear();
    for (const [block, content] of entries) {
      if (typeof content === 'number') this.write(block * BLOCK, null, content * BLOCK);
      else this.write(block * BLOCK, content);
    }
  }
}
