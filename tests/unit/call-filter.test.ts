import { describe, expect, it } from 'vitest';
import { decodeCalls, encodeCalls } from '../../src/vm/call-filter';

/** Pseudo-random bytes, dense in E8, 00 and FF so that every branch of the filter is taken. */
function noise(length: number, seed: number): Uint8Array {
  const alphabet = [0xe8, 0xe8, 0x00, 0xff, 0xff, 0x12, 0x80, 0x7f];
  let x = seed;
  return Uint8Array.from({ length }, () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x >>> 24 < 128 ? alphabet[(x >>> 16) & 7] : (x >>> 16) & 0xff;
  });
}

/** CALL rel32 at `at` with displacement `rel` */
function call(bytes: Uint8Array, at: number, rel: number): void {
  bytes[at] = 0xe8;
  new DataView(bytes.buffer).setInt32(at + 1, rel, true);
}

describe('the x86 call filter', () => {
  it('gives back the exact bytes for any data at any disk position', () => {
    for (const [position, seed] of [
      [0, 1],
      [262_144, 2],
      [2 ** 31 - 2 ** 20, 3],
      [1_900_000_000, 4],
    ]) {
      const original = noise(65_536, seed);
      const part = original.slice();
      encodeCalls(part, position);
      expect(part).not.toEqual(original);
      decodeCalls(part, position);
      expect(part).toEqual(original);
    }
  });

  it('turns calls to one function from different places into the same bytes', () => {
    const part = new Uint8Array(4096);
    const target = 3000;
    call(part, 100, target - 105);
    call(part, 2000, target - 2005);
    call(part, 3500, target - 3505); // a backward call
    encodeCalls(part, 8192);
    const encoded = (at: number) => [...part.subarray(at, at + 5)];
    expect(encoded(100)).toEqual(encoded(2000));
    expect(encoded(100)).toEqual(encoded(3500));
    expect(new DataView(part.buffer).getInt32(101, true)).toBe(8192 + target);
  });

  it('leaves far displacements and a call cut by the end of the part alone', () => {
    const part = new Uint8Array(64);
    call(part, 0, 0x02000000); // top byte 02: not a near call
    part.set([0xe8, 0x10, 0x00, 0x00], 60); // a call's first 4 bytes, at the end
    const before = part.slice();
    encodeCalls(part, 4096);
    expect(part).toEqual(before);
  });
});
