/**
 * v86 compiles a guest page into WebAssembly once the code on it has run 200 000 instructions
 * in its interpreter. Unlike its module limits (`set_jit_config`), that threshold is a constant
 * of v86's build, so it is changed in v86.wasm's bytes before the module is compiled: by the
 * Node runner when it loads v86, by the site's build (and dev server) when it serves /v86/.
 */

/** v86's own threshold (`JIT_THRESHOLD` in its jit.rs) */
export const V86_JIT_THRESHOLD = 200_000;

/**
 * The one comparison with the threshold in v86.wasm: `i32.const 200000` (0x41, then 200000
 * as a signed LEB128 of three bytes) followed by `i32.lt_u` (0x49).
 */
const SITE = [0x41, ...leb3(V86_JIT_THRESHOLD), 0x49];

/** Thresholds whose signed LEB128 takes three bytes, like v86's: the patch keeps the module's layout. */
export const JIT_THRESHOLD_RANGE = { min: 1 << 13, max: (1 << 20) - 1 };

function leb3(value: number): number[] {
  return [(value & 0x7f) | 0x80, ((value >> 7) & 0x7f) | 0x80, (value >> 14) & 0x3f];
}

/** Offsets where `pattern` occurs in `bytes`. */
function occurrences(bytes: Uint8Array, pattern: number[]): number[] {
  const found: number[] = [];
  for (let i = bytes.indexOf(pattern[0]); i >= 0; i = bytes.indexOf(pattern[0], i + 1)) {
    if (pattern.every((b, k) => bytes[i + k] === b)) found.push(i);
  }
  return found;
}

/**
 * A copy of v86's WebAssembly (v86.wasm or v86-fallback.wasm) whose JIT compiles a page once
 * its code ran `threshold` instructions. Throws when the bytes do not hold v86's comparison
 * exactly once (another v86 build): better a clear error than a patch in the wrong place.
 */
export function withJitThreshold(wasm: Uint8Array, threshold: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(threshold) || threshold < JIT_THRESHOLD_RANGE.min || threshold > JIT_THRESHOLD_RANGE.max) {
    throw new Error(`v86's JIT threshold must be a whole number from ${JIT_THRESHOLD_RANGE.min} to ${JIT_THRESHOLD_RANGE.max}, not ${threshold}`);
  }
  const sites = occurrences(wasm, SITE);
  if (sites.length !== 1) {
    throw new Error(
      `v86's WebAssembly holds its JIT threshold comparison ${sites.length} times, not once: ` +
        'this build of v86 differs from the one src/vm/jit-threshold.ts knows',
    );
  }
  const patched = new Uint8Array(wasm); // a copy, even of a Node Buffer (whose slice() is a view)
  patched.set(leb3(threshold), sites[0] + 1);
  return patched;
}
