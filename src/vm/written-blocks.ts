/**
 * What the guest wrote to a disk, over the image's content: v86's 256-byte blocks, kept by
 * 4 KiB page (16 blocks), the unit ext4 writes.
 * - A page whose written blocks are all zero holds no bytes: `dd if=/dev/zero` over the whole
 *   disk costs one small entry per 4 KiB, not the bytes.
 * - Blocks the guest discards (ATA TRIM, src/vm/ide-trim.ts) are dropped: they read as the
 *   image's content again, and a save no longer holds them.
 * - With a PageStore (a file in Node, an OPFS file in the page's worker), at most `keepBytes` of
 *   pages stay in memory, the most recently used; the others are written to the store and read
 *   back when the guest reads them or a save takes them.
 * - A state holds at most `maxStateBytes` of written pages: past it `entries` throws rather than
 *   bring them all into memory (a file of random data filling the disk would be 1.5 GiB).
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
  /** the page's bytes in memory; null while every written block is zero, or while they are in the store */
  data: Uint8Array | null;
  /** the page's slot in the store while its bytes are there, else -1 */
  slot: number;
}

/** Where pages go out of memory: 4 KiB slots, written and read synchronously (v86 saves its state synchronously). */
export interface PageStore {
  write(slot: number, page: Uint8Array): void;
  read(slot: number, into: Uint8Array): void;
}

export interface WrittenBlocksOptions {
  store?: PageStore;
  /** bytes of pages kept in memory when there is a store */
  keepBytes?: number;
  /** bytes of written pages (zero pages aside) past which `entries` refuses, rather than bring them all into memory */
  maxStateBytes?: number;
}

/** A state would hold more written pages than its bound: a RangeError, as v86's own when its state cannot be written. */
export class TooMuchWrittenError extends RangeError {
  override name = 'TooMuchWrittenError';
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
  /** pages whose bytes are in memory, least recently used first */
  private readonly resident = new Map<number, Page>();
  /** the store's slots no page uses, and the first never used */
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  private readonly store: PageStore | undefined;
  private readonly keepPages: number;
  private readonly maxStateBytes: number;
  private storeFull = false;

  constructor(options: WrittenBlocksOptions = {}) {
    this.store = options.store;
    this.keepPages = Math.max(1, Math.floor((options.keepBytes ?? 64 * 2 ** 20) / PAGE));
    this.maxStateBytes = options.maxStateBytes ?? Infinity;
  }

  /** pages with at least one written block */
  get pageCount(): number {
    return this.pages.size;
  }

  /** bytes of written blocks held in memory (zero pages hold none) */
  get heldBytes(): number {
    return this.resident.size * PAGE;
  }

  /** bytes of written blocks in the store */
  get storedBytes(): number {
    return (this.nextSlot - this.freeSlots.length) * PAGE;
  }

  /** The page's bytes, in memory and marked most recently used; null for a zero page. */
  private bytes(p: number, page: Page): Uint8Array | null {
    if (page.data) {
      this.resident.delete(p);
      this.resident.set(p, page);
    } else if (page.slot >= 0) {
      const data = new Uint8Array(PAGE);
      this.store!.read(page.slot, data);
      this.freeSlots.push(page.slot);
      page.slot = -1;
      this.setData(p, page, data);
    }
    return page.data;
  }

  /** Gives the page bytes in memory (null: none), sending the least recently used pages to the store past the bound. */
  private setData(p: number, page: Page, data: Uint8Array | null): void {
    page.data = data;
    if (!data) {
      this.resident.delete(p);
      return;
    }
    this.resident.delete(p);
    this.resident.set(p, page);
    if (!this.store || this.storeFull) return;
    for (const [q, old] of this.resident) {
      if (this.resident.size <= this.keepPages) break;
      const slot = this.freeSlots.pop() ?? this.nextSlot++;
      try {
        this.store.write(slot, old.data!);
      } catch {
        // no room left for the store (the browser's quota): pages stay in memory from now on
        this.freeSlots.push(slot);
        this.storeFull = true;
        return;
      }
      old.slot = slot;
      old.data = null;
      this.resident.delete(q);
    }
  }

  /** Forgets a page, its slot given back. */
  private drop(p: number, page: Page): void {
    if (page.slot >= 0) this.freeSlots.push(page.slot);
    this.resident.delete(p);
    this.pages.delete(p);
  }

  has(block: number): boolean {
    const page = this.pages.get(Math.floor(block / PER_PAGE));
    return !!page && (page.mask & (1 << (block % PER_PAGE))) !== 0;
  }

  /** Whether every block of [offset, offset+len) was written (both multiples of 256). */
  hasAll(offset: number, len: number): boolean {
    for (let b = offset / BLOCK; b < (offset + len) / BLOCK;) {
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
      if (!page) this.pages.set(p, (page = { mask: 0, data: null, slot: -1 }));
      page.mask |= bits((from - p * PAGE) / BLOCK, (to - p * PAGE) / BLOCK);
      const whole = to - from === PAGE;
      if (whole && page.slot >= 0) {
        // what the store holds of this page is overwritten whole: its slot is free again
        this.freeSlots.push(page.slot);
        page.slot = -1;
      }
      let held = whole ? page.data : this.bytes(p, page);
      if (zero && !held) {
        this.setData(p, page, null);
        continue;
      }
      held ??= new Uint8Array(PAGE);
      if (bytes) held.set(bytes, from - p * PAGE);
      else held.fill(0, from - p * PAGE, to - p * PAGE);
      this.setData(p, page, zero && isZero(held) ? null : held);
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
      if (page.mask === 0) this.drop(p, page);
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
      const data = this.bytes(p, page);
      for (let k = 0; k < PER_PAGE; k++) {
        if (!(page.mask & (1 << k))) continue;
        const at = p * PAGE + k * BLOCK;
        if (at + BLOCK <= offset || at >= end) continue;
        const from = Math.max(at, offset);
        const to = Math.min(at + BLOCK, end);
        if (data) out.set(data.subarray(from - p * PAGE, to - p * PAGE), from - offset);
        else out.fill(0, from - offset, to - offset);
      }
    }
  }

  /**
   * The state: runs of written blocks within each page, and runs of zero blocks across pages,
   * by block number. Pages in the store are read into copies, left where they are.
   */
  entries(): WrittenEntry[] {
    const bytes = this.heldBytes + this.storedBytes;
    if (bytes > this.maxStateBytes) {
      throw new TooMuchWrittenError(
        `the disk holds ${Math.round(bytes / 2 ** 20)} MiB written, more than a state takes (${Math.round(this.maxStateBytes / 2 ** 20)} MiB)`,
      );
    }
    const out: WrittenEntry[] = [];
    let zeroRun: [number, number] | null = null;
    for (const p of [...this.pages.keys()].sort((a, b) => a - b)) {
      const page = this.pages.get(p)!;
      let data = page.data;
      if (!data && page.slot >= 0) this.store!.read(page.slot, (data = new Uint8Array(PAGE)));
      for (let k = 0; k < PER_PAGE;) {
        if (!(page.mask & (1 << k))) {
          k++;
          continue;
        }
        let n = 1;
        while (k + n < PER_PAGE && page.mask & (1 << (k + n))) n++;
        const block = p * PER_PAGE + k;
        if (data) {
          out.push([block, data.subarray(k * BLOCK, (k + n) * BLOCK)]);
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
    this.resident.clear();
    this.freeSlots.length = 0;
    this.nextSlot = 0;
    this.storeFull = false;
    for (const [block, content] of entries) {
      if (typeof content === 'number') this.write(block * BLOCK, null, content * BLOCK);
      else this.write(block * BLOCK, content);
    }
  }
}
