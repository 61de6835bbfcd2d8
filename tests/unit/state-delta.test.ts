import { describe, expect, it } from 'vitest';
import { applyDeltas, indexState, makeDelta, StateDeltaError } from '../../src/storage/state-delta';
import { PAGE_SIZE, parseState } from '../../src/vm/snapshot-layout';
import { state } from './small-state';

describe('saved-machine deltas', () => {
  it('give back the latest state byte for byte after a chain of changes', () => {
    const s0 = state({ 0: 1, 3: 2, 9: 3, 31: 4 });
    const s1 = state({ 0: 1, 3: 5, 9: 3, 31: 4, 12: 6 }, [1, 2, 3, 4, 5]); // a page changed, one added, the disk grew
    const s2 = state({ 0: 1, 12: 6, 31: 8 }, [1, 2, 3, 4, 5]); // pages freed, one changed
    const s3 = state({ 0: 1, 3: 9, 12: 6, 31: 8 }, [9]); // a freed page back, the disk buffer replaced
    let index = indexState(s0);
    const deltas: Uint8Array[] = [];
    for (const next of [s1, s2, s3]) {
      const made = makeDelta(index, next);
      deltas.push(made.delta);
      index = made.index;
      expect(applyDeltas(s0, deltas)).toEqual(next);
    }
  });

  it('hold only the pages whose content changed', () => {
    const s0 = state({ 0: 1, 3: 2, 9: 3, 31: 4 });
    const s1 = state({ 0: 1, 3: 5, 9: 3, 31: 4 });
    const { delta, changedPages } = makeDelta(indexState(s0), s1);
    expect(changedPages).toBe(1);
    expect(delta.length).toBeLessThan(PAGE_SIZE + 2048);
    expect(makeDelta(indexState(s1), s1).changedPages).toBe(0);
  });

  it('see a change of a single byte in a page', () => {
    const s0 = state({ 5: 1 });
    const s1 = state({ 5: 1 });
    const parsed = parseState(s1);
    parsed.trailingPages[PAGE_SIZE - 1] ^= 0x80;
    expect(makeDelta(indexState(s0), s1).changedPages).toBe(1);
  });

  it('refuse what is not a delta, or a chain with a link missing', () => {
    const s0 = state({ 0: 1 });
    const s1 = state({ 0: 1, 1: 2 });
    const s2 = state({ 0: 1, 1: 2, 2: 3 });
    const d1 = makeDelta(indexState(s0), s1);
    const d2 = makeDelta(d1.index, s2);
    expect(() => applyDeltas(s0, [new Uint8Array(16)])).toThrow(StateDeltaError);
    expect(() => applyDeltas(s0, [d2.delta])).toThrow(/page 1 has no content/);
  });
});
