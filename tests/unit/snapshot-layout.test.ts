import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, SnapshotFormatError, movePagesBack, movePagesToEnd, pagesMarked, parseState, serializeState } from '../../src/vm/snapshot-layout';

/** A small state in v86's layout: a few device buffers, then 3 memory pages and their bitmap. */
function v86State(): Uint8Array {
  const pages = new Uint8Array(3 * PAGE_SIZE).map((_, i) => (i * 7) & 0xff);
  const bitmap = new Uint8Array([0b0000_0101, 0b1000_0000]); // pages 0, 2 and 15
  const buffers = [new Uint8Array([1, 2, 3]), new Uint8Array(10).fill(9), pages, bitmap, new Uint8Array([4, 5])];
  const ref = (id: number) => ({ __state_type__: 'Uint8Array', buffer_id: id });
  const state: unknown[] = Array.from({ length: 79 }, (_, i) => i);
  state[3] = ref(0);
  state[40] = [ref(1), ref(4)];
  state[77] = ref(2);
  state[78] = ref(3);
  return serializeState({ info: { buffer_infos: [], state }, buffers, trailingPages: new Uint8Array(0) });
}

describe('the snapshot layout', () => {
  it('counts the pages a bitmap marks', () => {
    expect(pagesMarked(new Uint8Array([0b0000_0101, 0b1000_0000, 0xff]))).toBe(11);
  });

  it("moves the memory pages after the last buffer and empties v86's memory buffer", () => {
    const original = parseState(v86State());
    const moved = parseState(movePagesToEnd(v86State()));
    expect(moved.trailingPages).toEqual(original.buffers[2]);
    // right after the last buffer (2 bytes, unaligned): where v86's restore leaves the stream
    const last = moved.buffers[4];
    expect(moved.trailingPages.byteOffset).toBe(last.byteOffset + last.byteLength);
    expect(moved.buffers[2].byteLength).toBe(0);
    // everything else as it was: the state, the bitmap and the other buffers
    expect(moved.info.state).toEqual(original.info.state);
    for (const id of [0, 1, 3, 4]) expect(moved.buffers[id]).toEqual(original.buffers[id]);
  });

  it("moves them back into v86's own layout byte for byte", () => {
    expect(movePagesBack(movePagesToEnd(v86State()))).toEqual(v86State());
  });

  it('lays buffers out as v86 does: 4-byte aligned, the header giving the lengths', () => {
    const raw = v86State();
    const header = new Int32Array(raw.slice(0, 16).buffer);
    expect(header[2]).toBe(raw.byteLength);
    const { info } = parseState(raw);
    expect(info.buffer_infos.map((b) => b.offset % 4)).toEqual([0, 0, 0, 0, 0]);
    expect(info.buffer_infos.map((b) => b.length)).toEqual([3, 10, 3 * PAGE_SIZE, 2, 2]);
  });

  it('refuses what is not a v86 state, or pages moved twice, with a clear error', () => {
    expect(() => parseState(new Uint8Array(8))).toThrow(/at least 16 bytes/);
    expect(() => parseState(new Uint8Array(64))).toThrow(/bad magic number/);
    const future = v86State();
    future[4] = 7;
    expect(() => parseState(future)).toThrow(/version 7, expected 6/);
    expect(() => movePagesToEnd(movePagesToEnd(v86State()))).toThrow(SnapshotFormatError);
    const noMemory = parseState(v86State());
    noMemory.info.state[77] = 0;
    expect(() => movePagesToEnd(serializeState(noMemory))).toThrow(/packed memory/);
  });
});
