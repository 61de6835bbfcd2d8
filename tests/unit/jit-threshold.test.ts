import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { JIT_THRESHOLD_RANGE, V86_JIT_THRESHOLD, withJitThreshold } from '../../src/vm/jit-threshold';

const require = createRequire(import.meta.url);
const installed = (file: string) => new Uint8Array(readFileSync(require.resolve(`v86/build/${file}`)));

/** The offsets where two byte arrays of one length differ. */
function differences(a: Uint8Array, b: Uint8Array): number[] {
  const found: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) found.push(i);
  return found;
}

/** A signed LEB128 of three bytes, as WebAssembly's i32.const holds it. */
const leb3 = (b: Uint8Array, at: number) => (b[at] & 0x7f) | ((b[at + 1] & 0x7f) << 7) | ((b[at + 2] & 0x7f) << 14);

describe("v86's JIT threshold patch", () => {
  for (const file of ['v86.wasm', 'v86-fallback.wasm']) {
    it(`changes only the threshold's three bytes in the installed ${file}, which stays valid`, () => {
      const original = installed(file);
      const copy = original.slice();
      for (const threshold of [JIT_THRESHOLD_RANGE.min, 750_000, JIT_THRESHOLD_RANGE.max]) {
        const patched = withJitThreshold(original, threshold);
        const changed = differences(original, patched);
        expect(changed.length).toBeGreaterThan(0);
        expect(changed.at(-1)! - changed[0]).toBeLessThan(3);
        // the i32.const holding it starts one byte before its LEB128
        const at = changed.at(-1)! - 2;
        expect([original[at - 1], leb3(original, at), original[at + 3]]).toEqual([0x41, V86_JIT_THRESHOLD, 0x49]);
        expect(leb3(patched, at)).toBe(threshold);
        expect(WebAssembly.validate(patched)).toBe(true);
      }
      expect(differences(original, copy)).toEqual([]);
      expect(differences(withJitThreshold(original, V86_JIT_THRESHOLD), original)).toEqual([]);
    });
  }

  it('refuses a threshold whose encoding would not fit in place', () => {
    const wasm = installed('v86.wasm');
    expect(() => withJitThreshold(wasm, 2_000_000)).toThrow(/from 8192 to 1048575, not 2000000/);
    expect(() => withJitThreshold(wasm, 100)).toThrow(/not 100/);
    expect(() => withJitThreshold(wasm, 5e5 + 0.5)).toThrow(/whole number/);
  });

  it('refuses another build of v86, where the comparison is not found exactly once', () => {
    const site = [0x41, 0xc0, 0x9a, 0x0c, 0x49];
    expect(() => withJitThreshold(Uint8Array.of(0, 1, 2, 0x41, 0xc0), 500_000)).toThrow(/0 times, not once/);
    expect(() => withJitThreshold(Uint8Array.from([...site, 0, ...site]), 500_000)).toThrow(/2 times, not once/);
  });
});
