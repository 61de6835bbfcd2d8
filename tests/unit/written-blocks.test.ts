import type { V86 } from 'v86';
import { describe, expect, it } from 'vitest';
import { takeState } from '../../workers/take-state';
import { TooMuchWrittenError, WrittenBlocks, type WrittenEntry } from '../../src/vm/written-blocks';

const filled = (len: number, value: number) => new Uint8Array(len).fill(value);
const read = (blocks: WrittenBlocks, offset: number, len: number, base = 0xee) => {
  const out = filled(len, base);
  blocks.overlay(offset, out);
  return out;
};

describe('WrittenBlocks', () => {
  it('overlays the blocks written on the disk bytes given, and leaves the others', () => {
    const blocks = new WrittenBlocks();
    blocks.write(512, filled(512, 7));
    expect(read(blocks, 256, 1024)).toEqual(Uint8Array.from([...filled(256, 0xee), ...filled(512, 7), ...filled(256, 0xee)]));
    expect(blocks.hasAll(512, 512)).toBe(true);
    expect(blocks.hasAll(256, 512)).toBe(false);
    expect(blocks.has(2)).toBe(true);
    expect(blocks.has(4)).toBe(false);
    // a read starting mid-block sees its part of the block
    expect(read(blocks, 600, 100)).toEqual(filled(100, 7));
  });

  it('holds no bytes for zero pages: a disk filled with zeros costs one small entry per 4 KiB', () => {
    const blocks = new WrittenBlocks();
    for (let at = 0; at < 64 * 2 ** 20; at += 2 ** 20) blocks.write(at, new Uint8Array(2 ** 20));
    expect(blocks.pageCount).toBe(16384);
    expect(blocks.heldBytes).toBe(0);
    expect(read(blocks, 4096, 8192)).toEqual(new Uint8Array(8192));
    // data written into a zero page takes bytes; zeros over it give them back
    blocks.write(4096, filled(256, 1));
    expect(blocks.heldBytes).toBe(4096);
    expect(read(blocks, 4096, 512)).toEqual(Uint8Array.from([...filled(256, 1), ...new Uint8Array(256)]));
    blocks.write(4096, new Uint8Array(256));
    expect(blocks.heldBytes).toBe(0);
  });

  it('forgets discarded blocks, whole pages and parts of them, and a discard of the whole disk walks only what it holds', () => {
    const blocks = new WrittenBlocks();
    blocks.write(0, filled(16384, 3));
    blocks.discard(4096, 4096 + 512);
    expect(blocks.pageCount).toBe(3);
    expect(read(blocks, 4096, 4096)).toEqual(filled(4096, 0xee));
    expect(read(blocks, 8192, 1024)).toEqual(Uint8Array.from([...filled(512, 0xee), ...filled(512, 3)]));
    // a range not on block boundaries forgets only the blocks wholly inside it
    blocks.discard(100, 300);
    expect(read(blocks, 0, 512)).toEqual(filled(512, 3));
    blocks.discard(0, 2 ** 40);
    expect(blocks.pageCount).toBe(0);
    expect(read(blocks, 0, 16384)).toEqual(filled(16384, 0xee));
  });

  it("saves runs of blocks and of zero pages, and restores them, as well as v86's own layout of one 256-byte block per entry", () => {
    const blocks = new WrittenBlocks();
    blocks.write(0, filled(8192, 5));
    blocks.write(8192 + 1024, filled(512, 6));
    blocks.write(2 ** 20, new Uint8Array(2 ** 20));
    const entries = blocks.entries();
    expect(entries.map(([block, content]) => [block, typeof content === 'number' ? content : content.length])).toEqual([
      [0, 4096],
      [16, 4096],
      [36, 512],
      [4096, 4096], // 1 MiB of zeros: one entry of 4096 blocks
    ]);
    const restored = new WrittenBlocks();
    restored.restore(entries);
    expect(restored.entries()).toEqual(entries);
    // compared as Buffers: toEqual walks 2 MiB byte by byte for seconds
    expect(Buffer.from(read(restored, 0, 2 * 2 ** 20)).equals(read(blocks, 0, 2 * 2 ** 20))).toBe(true);

    const v86Layout: WrittenEntry[] = [
      [3, filled(256, 9)],
      [4, filled(256, 8)],
    ];
    const old = new WrittenBlocks();
    old.restore(v86Layout);
    expect(read(old, 768, 512)).toEqual(Uint8Array.from([...filled(256, 9), ...filled(256, 8)]));
    expect(old.entries()).toEqual([[3, Uint8Array.from([...filled(256, 9), ...filled(256, 8)])]]);
  });
});

/** A store in memory that counts its reads and writes. */
function memoryStore() {
  const slots = new Map<number, Uint8Array>();
  const counts = { reads: 0, writes: 0 };
  return {
    slots,
    counts,
    write: (slot: number, page: Uint8Array) => (counts.writes++, slots.set(slot, page.slice())),
    read: (slot: number, into: Uint8Array) => (counts.reads++, into.set(slots.get(slot)!)),
  };
}

describe('WrittenBlocks with a store', () => {
  it('keeps at most its bound in memory, the most recently used pages, and reads the others back from the store', () => {
    const store = memoryStore();
    const blocks = new WrittenBlocks({ store, keepBytes: 4 * 4096 });
    for (let p = 0; p < 64; p++) blocks.write(p * 4096, filled(4096, p + 1));
    expect(blocks.heldBytes).toBe(4 * 4096);
    expect(blocks.storedBytes).toBe(60 * 4096);
    expect(store.counts.writes).toBe(60);
    // every page reads back as written, wherever it is
    for (let p = 0; p < 64; p++) expect(read(blocks, p * 4096 + 256, 256)).toEqual(filled(256, p + 1));
    expect(blocks.heldBytes).toBe(4 * 4096);
    // a page read back leaves the store: its slot serves the next page sent there
    expect(blocks.storedBytes).toBe(60 * 4096);
    expect(store.slots.size).toBeLessThanOrEqual(61);
  });

  it('frees the slot of a page discarded, overwritten whole, or zeroed, and saves the pages in the store without moving them', () => {
    const store = memoryStore();
    const blocks = new WrittenBlocks({ store, keepBytes: 4096 });
    for (let p = 0; p < 8; p++) blocks.write(p * 4096, filled(4096, p + 1));
    expect(blocks.storedBytes).toBe(7 * 4096);
    blocks.discard(0, 4096);
    blocks.write(4096, new Uint8Array(4096));
    blocks.write(2 * 4096, filled(4096, 0x22));
    expect(blocks.storedBytes).toBe(5 * 4096);
    expect(read(blocks, 4096, 4096)).toEqual(new Uint8Array(4096));
    const reads = store.counts.reads;
    const entries = blocks.entries();
    expect(entries.length).toBe(7); // 6 pages of data, one zero run
    expect(store.counts.reads - reads).toBeGreaterThanOrEqual(5);
    expect(blocks.heldBytes).toBeLessThanOrEqual(4096);
    const again = new WrittenBlocks();
    again.restore(entries);
    expect(read(again, 2 * 4096, 4096)).toEqual(filled(4096, 0x22));
    expect(read(again, 7 * 4096, 4096)).toEqual(filled(4096, 8));
    expect(read(again, 0, 4096)).toEqual(filled(4096, 0xee));
  });
});

describe('WrittenBlocks with a store that fills up', () => {
  it('keeps pages in memory once the store cannot take more, and loses none', () => {
    const store = memoryStore();
    const full = {
      ...store,
      write: (slot: number, page: Uint8Array) =>
        store.slots.size >= 2
          ? (() => {
              throw new Error('QuotaExceededError');
            })()
          : store.write(slot, page),
    };
    const blocks = new WrittenBlocks({ store: full, keepBytes: 4096 });
    for (let p = 0; p < 6; p++) blocks.write(p * 4096, filled(4096, p + 1));
    expect(blocks.storedBytes).toBe(2 * 4096);
    expect(blocks.heldBytes).toBe(4 * 4096);
    for (let p = 0; p < 6; p++) expect(read(blocks, p * 4096, 4096)).toEqual(filled(4096, p + 1));
  });
});

describe('WrittenBlocks with a bound on the state', () => {
  it('refuses a state past its bound with a RangeError, zero pages aside, and gives it once files are discarded', () => {
    const blocks = new WrittenBlocks({ store: memoryStore(), keepBytes: 4096, maxStateBytes: 4 * 4096 });
    blocks.write(0, new Uint8Array(1024 * 4096)); // zeros: no bytes, no bound
    expect(blocks.entries()).toEqual([[0, 16 * 1024]]);
    for (let p = 0; p < 5; p++) blocks.write(p * 4096, filled(4096, 1));
    expect(() => blocks.entries()).toThrow(RangeError);
    expect(() => blocks.entries()).toThrow(TooMuchWrittenError);
    blocks.discard(0, 4096);
    expect(blocks.entries().length).toBe(5);
  });
});

describe('a save past the bound', () => {
  it('fails in the words of tooMuchWritten, as the worker says it', async () => {
    const emulator = { save_state: () => Promise.reject(new TooMuchWrittenError('2048 MiB written')) } as unknown as V86;
    const error = await takeState(emulator).then(
      () => null,
      (e: Error) => e,
    );
    expect(error && 'said' in error && error.said).toEqual(['tooMuchWritten']);
  });
});
