/**
 * The guest's disk, read part by part as the guest needs it: in the page's emulator worker
 * (parts from fetch()) and in Node (parts from the image folder). v86 accepts any object
 * with its buffer interface (load/get/set/get_state/set_state); this one replaces its
 * XMLHttpRequest loader, which cost about 80 ms per 256 KiB part here (a request, then a round
 * trip to a zstd worker, for every part the guest waits on):
 * - parts come from fetch() (through the service worker's cache when it controls the page) and
 *   are decompressed on this thread, in v86's own WebAssembly (about a millisecond a part);
 * - each part the guest waits for brings the next few into memory, and a fetch in flight is
 *   shared by every read that needs it;
 * - decompressed parts are kept up to a bound (v86 kept every part read, forever);
 * - a part that cannot be downloaded is retried until it comes, and the page is told meanwhile;
 * - parts stored through the x86 call filter (src/vm/call-filter.ts) are decoded, which v86's
 *   own loader could not do.
 * - what the guest writes is kept by WrittenBlocks (src/vm/written-blocks.ts): zero pages hold no
 *   bytes, and blocks the guest discards (src/vm/ide-trim.ts) are given back.
 * Its state is v86's layout of the 256-byte blocks the guest wrote, with runs of blocks in one
 * entry: a snapshot saved with v86's own buffer restores here.
 */

import type { DiskDescription } from './manifest';
import { decodeCalls } from './call-filter';
import { WrittenBlocks, type PageStore, type WrittenEntry } from './written-blocks';

export interface PartIO {
  /** the part's bytes as stored (zstd) */
  fetch(url: string): Promise<ArrayBuffer>;
  decompress(size: number, data: Uint8Array): Uint8Array;
}

/** What the disks of one machine report: reads the guest waits on, parts that do not come. */
export interface DiskActivity {
  readStarted(): void;
  readDone(): void;
  partFailed(url: string): void;
  partArrived(url: string): void;
}

export interface LazyDiskOptions {
  /** parts fetched after each one the guest reads for the first time */
  readahead?: number;
  /** background fetches at once */
  maxAhead?: number;
  /** decompressed parts kept in memory */
  keepBytes?: number;
  /** waits before each retry of a part that failed, the last repeated */
  retryDelaysMs?: number[];
  /** the parts went through encodeCalls before zstd (DiskDescription.filter) */
  callFilter?: boolean;
  /** where the guest's written pages go past `keepWrittenBytes` (none: they all stay in memory) */
  store?: PageStore;
  /** bytes of written pages kept in memory when there is a store */
  keepWrittenBytes?: number;
  /** bytes of written pages past which the state is refused (TooMuchWrittenError) */
  maxStateBytes?: number;
}

export class LazyDisk {
  readonly byteLength: number;
  onload: ((event: object) => void) | undefined;
  onprogress: unknown;
  private readonly written: WrittenBlocks;
  /** decompressed parts, least recently used first */
  private readonly parts = new Map<number, Uint8Array>();
  private readonly pending = new Map<number, Promise<Uint8Array>>();
  /** parts fetched ahead that the guest has not read yet */
  private readonly ahead = new Set<number>();
  private aheadInFlight = 0;
  /** parts to fetch ahead once fewer than `maxAhead` fetches are in flight, in order */
  private readonly aheadQueue: number[] = [];
  private readonly base: string;
  private readonly extension: string;
  private readonly options: Required<Omit<LazyDiskOptions, 'store' | 'keepWrittenBytes' | 'maxStateBytes'>>;

  /**
   * @param url the disk's URL as in the manifest (`…/disk.img.zst`); part i is
   * `…/disk-<i·chunk>-<(i+1)·chunk>.img.zst`, as v86 names them
   */
  constructor(
    url: string,
    size: number,
    private readonly chunk: number,
    private readonly io: PartIO,
    private readonly activity: DiskActivity,
    options: LazyDiskOptions = {},
  ) {
    this.byteLength = size;
    const extension = /\.[^./]+(\.zst)?$/.exec(url)?.[0] ?? '';
    this.extension = extension;
    this.base = url.slice(0, url.length - extension.length);
    const { store, keepWrittenBytes, maxStateBytes, ...rest } = options;
    this.options = { readahead: 4, maxAhead: 6, keepBytes: 64 * 2 ** 20, retryDelaysMs: [1000, 2000, 4000, 8000, 15_000], callFilter: false, ...rest };
    this.written = new WrittenBlocks({ store, keepBytes: keepWrittenBytes, maxStateBytes });
  }

  /** The disk a manifest describes; `resolve` maps its URL (relative to the image folder). */
  static of(disk: DiskDescription, resolve: (path: string) => string, io: PartIO, activity: DiskActivity, options: LazyDiskOptions = {}): LazyDisk {
    return new LazyDisk(resolve(disk.url), disk.size, disk.chunkSize, io, activity, { callFilter: disk.filter === 'x86-calls', ...options });
  }

  partUrl(index: number): string {
    return `${this.base}-${index * this.chunk}-${(index + 1) * this.chunk}${this.extension}`;
  }

  load(): void {
    this.onload?.(Object.create(null));
  }

  get_buffer(fn: () => void): void {
    fn();
  }

  /** The bytes at [offset, offset+len), at once when every part is in memory. */
  get_from_cache(offset: number, len: number): Uint8Array | undefined {
    const indexes = this.partIndexes(offset, len);
    if (indexes.some((i) => this.needsFetch(i))) return undefined;
    return this.assemble(offset, len, this.hold(indexes));
  }

  get(offset: number, len: number, fn: (data: Uint8Array) => void): void {
    if (this.allWritten(offset, len)) return fn(this.assemble(offset, len, new Map()));
    const indexes = this.partIndexes(offset, len);
    const missing = indexes.filter((i) => this.needsFetch(i));
    // what the guest waits for is asked first, then what comes after it
    const arrived = missing.length ? Promise.all(missing.map((i) => this.part(i))) : null;
    for (const i of indexes) if (missing.includes(i) || this.ahead.has(i)) this.readAhead(i);
    // held by this read: a part in memory now may be dropped before another one arrives
    const held = this.hold(indexes);
    if (!arrived) return fn(this.assemble(offset, len, held));
    this.activity.readStarted();
    void arrived
      .then((data) => {
        missing.forEach((i, k) => held.set(i, data[k]));
        fn(this.assemble(offset, len, held));
      })
      .finally(() => this.activity.readDone());
  }

  /** what v86 reads the boot sector through on a cold boot */
  get_and_cache(offset: number, len: number, fn: (data: Uint8Array) => void): void {
    this.get(offset, len, fn);
  }

  set(start: number, data: Uint8Array, fn: () => void): void {
    this.written.write(start, data);
    fn();
  }

  /** The guest no longer needs [offset, offset+len) (ATA TRIM): its written blocks are given back. */
  discard(offset: number, len: number): void {
    this.written.discard(offset, len);
  }

  /** What the guest's writes hold: pages with written blocks, the bytes of them in memory and in the store. */
  writtenSize(): { pages: number; bytes: number; stored: number } {
    return { pages: this.written.pageCount, bytes: this.written.heldBytes, stored: this.written.storedBytes };
  }

  get_state(): [WrittenEntry[]] {
    return [this.written.entries()];
  }

  set_state(state: [WrittenEntry[]]): void {
    this.written.restore(state[0]);
  }

  private partIndexes(offset: number, len: number): number[] {
    const first = Math.floor(offset / this.chunk);
    const last = Math.floor((offset + len - 1) / this.chunk);
    return Array.from({ length: last - first + 1 }, (_, k) => first + k);
  }

  /** A part neither in memory nor wholly overwritten by the guest. */
  private needsFetch(index: number): boolean {
    return !this.parts.has(index) && !this.allWritten(index * this.chunk, this.chunk);
  }

  private allWritten(offset: number, len: number): boolean {
    return this.written.hasAll(offset, len);
  }

  /** The parts of `indexes` in memory, marked most recently used. */
  private hold(indexes: number[]): Map<number, Uint8Array> {
    const held = new Map<number, Uint8Array>();
    for (const i of indexes) {
      const part = this.parts.get(i);
      if (!part) continue;
      this.parts.delete(i);
      this.parts.set(i, part);
      held.set(i, part);
    }
    return held;
  }

  /** The disk's bytes: the parts given (a wholly overwritten one may be absent), overlaid with what the guest wrote. */
  private assemble(offset: number, len: number, parts: Map<number, Uint8Array>): Uint8Array {
    const out = new Uint8Array(len);
    for (const [i, part] of parts) {
      const from = Math.max(offset, i * this.chunk);
      const to = Math.min(offset + len, (i + 1) * this.chunk);
      out.set(part.subarray(from - i * this.chunk, to - i * this.chunk), from - offset);
    }
    this.written.overlay(offset, out);
    return out;
  }

  /** A part the guest waits for: from memory, a fetch in flight, or fetched until it comes. */
  private async part(index: number): Promise<Uint8Array> {
    const kept = this.parts.get(index);
    if (kept) return kept;
    const inFlight = this.pending.get(index);
    if (inFlight) {
      const data = await inFlight.catch(() => null);
      if (data) return data;
    }
    const url = this.partUrl(index);
    for (let attempt = 0; ; attempt++) {
      try {
        const data = await this.fetchPart(index);
        if (attempt > 0) this.activity.partArrived(url);
        return data;
      } catch {
        if (attempt === 0) this.activity.partFailed(url);
        const delays = this.options.retryDelaysMs;
        await new Promise((resolve) => setTimeout(resolve, delays[Math.min(attempt, delays.length - 1)]));
      }
    }
  }

  /** One fetch of a part, shared by whoever needs it meanwhile; kept once decompressed. */
  private fetchPart(index: number): Promise<Uint8Array> {
    let promise = this.pending.get(index);
    if (!promise) {
      const url = this.partUrl(index);
      promise = this.io
        .fetch(url)
        .then((bytes) => {
          const data = url.endsWith('.zst') ? this.io.decompress(this.chunk, new Uint8Array(bytes)) : new Uint8Array(bytes);
          if (this.options.callFilter) decodeCalls(data, index * this.chunk);
          this.keep(index, data);
          return data;
        })
        .finally(() => this.pending.delete(index));
      this.pending.set(index, promise);
    }
    return promise;
  }

  private keep(index: number, data: Uint8Array): void {
    this.parts.set(index, data);
    let bytes = this.parts.size * this.chunk;
    for (const oldest of this.parts.keys()) {
      if (bytes <= this.options.keepBytes) break;
      this.parts.delete(oldest);
      this.ahead.delete(oldest);
      bytes -= this.chunk;
    }
  }

  /**
   * The guest reads part `index` for the first time: fetch the next few in the background.
   * Past `maxAhead` fetches at once they wait in a queue rather than being dropped, so a read
   * made while the disk is busy still brings the parts after it.
   */
  private readAhead(index: number): void {
    this.ahead.delete(index);
    const last = Math.ceil(this.byteLength / this.chunk) - 1;
    for (let i = index + 1; i <= Math.min(index + this.options.readahead, last); i++) {
      if (this.needsFetch(i) && !this.pending.has(i) && !this.aheadQueue.includes(i)) this.aheadQueue.push(i);
    }
    // the latest reads say best what the guest reads next: the oldest wishes go first
    const bound = 4 * Math.max(this.options.readahead, this.options.maxAhead);
    if (this.aheadQueue.length > bound) this.aheadQueue.splice(0, this.aheadQueue.length - bound);
    this.startAhead();
  }

  private startAhead(): void {
    while (this.aheadInFlight < this.options.maxAhead && this.aheadQueue.length > 0) {
      const i = this.aheadQueue.shift()!;
      if (!this.needsFetch(i) || this.pending.has(i)) continue;
      this.aheadInFlight++;
      this.ahead.add(i);
      // a failed fetch ahead is no loss: the guest's own read fetches the part again
      void this.fetchPart(i)
        .catch(() => this.ahead.delete(i))
        .finally(() => {
          this.aheadInFlight--;
          this.startAhead();
        });
    }
  }
}
