import { describe, expect, it } from 'vitest';
import { ArrivingState } from '../../src/vm/arriving-state';

// a 10-byte "snapshot" whose first 4, 7 and 9 bytes decode 100, 250 and 300 bytes of state
const index = {
  pagesAt: 50,
  decodable: [
    [4, 100],
    [7, 250],
    [9, 300],
  ] as [number, number][],
};

describe('a snapshot still arriving', () => {
  it('says how many compressed bytes the state needs, with one index step of margin', () => {
    const arriving = new ArrivingState(10, index);
    expect(arriving.neededFor(50)).toBe(7);
    expect(arriving.neededFor(100)).toBe(7);
    expect(arriving.neededFor(101)).toBe(9);
    // the last entry and past it: the whole file (the frame's checksum is at its end)
    expect(arriving.neededFor(300)).toBe(10);
    expect(arriving.neededFor(10_000)).toBe(10);
    // an image without an index: the whole file, always
    expect(new ArrivingState(10).neededFor(1)).toBe(10);
  });

  it('keeps the bytes in order and wakes whoever waits for them', async () => {
    const arriving = new ArrivingState(10, index);
    const woken: number[] = [];
    const waits = [arriving.whenReceived(3).then(() => woken.push(3)), arriving.whenReceived(8).then(() => woken.push(8))];
    arriving.push(Uint8Array.of(1, 2, 3, 4));
    await Promise.resolve();
    expect(woken).toEqual([3]);
    arriving.push(Uint8Array.of(5, 6, 7, 8, 9, 10));
    await Promise.all(waits);
    expect(woken).toEqual([3, 8]);
    expect([...arriving.slice(10)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // a part across two pieces, into a buffer at an offset, and one that starts over from the front
    const target = new Uint8Array(6);
    arriving.copyTo(target, 1, 2, 7);
    expect([...target]).toEqual([0, 3, 4, 5, 6, 7]);
    arriving.copyTo(target, 0, 0, 2);
    expect([...target]).toEqual([1, 2, 4, 5, 6, 7]);
    expect(() => arriving.copyTo(new Uint8Array(20), 0, 0, 11)).toThrow(RangeError);
    arriving.finish(true);
    await expect(arriving.complete).resolves.toBeUndefined();
  });

  it('fails, waiters included, when the reader finds the file damaged, short or too long', async () => {
    const damaged = new ArrivingState(4, index);
    const waiting = damaged.whenReceived(4);
    damaged.push(Uint8Array.of(1, 2, 3, 4));
    damaged.finish(false);
    await waiting;
    await expect(damaged.complete).rejects.toThrow(/does not match its manifest/);

    const short = new ArrivingState(4, index);
    const stalled = short.whenReceived(4);
    short.push(Uint8Array.of(1, 2));
    short.finish(true);
    await expect(stalled).rejects.toThrow(/does not match its manifest/);
    await expect(short.whenReceived(1)).rejects.toThrow(/does not match its manifest/);

    const long = new ArrivingState(2, index);
    long.push(Uint8Array.of(1, 2, 3));
    await expect(long.complete).rejects.toThrow(/longer than the manifest says/);
    expect(long.received).toBe(0);
  });
});
