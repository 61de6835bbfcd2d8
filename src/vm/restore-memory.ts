/**
 * How a snapshot's memory reaches the guest: v86 restores the state, these hooks write the
 * guest's memory. Both run on the emulator's thread, before the guest runs an instruction.
 */
import type { V86 } from 'v86';
import { onCpuReady } from './options';
import { PAGE_SIZE, SnapshotFormatError, parseState } from './snapshot-layout';

/** What v86 writes into the guest's memory before a restore: its BIOS images, below 1 MiB. */
const BIOS_AREA = 1 << 20;
/** pages decompressed at a time: v86's own restore reads large buffers 1 MiB at a time */
const CHUNK_PAGES = 256;

/** v86's bit array of the guest's non-zero pages */
interface PageBitmap {
  get(index: number): number;
}

/** The parts of v86's CPU a restore goes through (untyped in v86.d.ts). */
interface RestoringCpu {
  unpack_memory(bitmap: PageBitmap, packed: Uint8Array): void;
  zero_memory(addr: number, size: number): void;
  zstd_create_ctx(compressedSize: number): number;
  zstd_free_ctx(ctx: number): void;
  /** decompresses the stream's next `length` bytes into a new block of v86's WebAssembly memory */
  zstd_read(ctx: number, length: number): number;
  zstd_read_free(ptr: number, length: number): void;
  wasm_memory: WebAssembly.Memory;
  mem8: Uint8Array;
  memory_size: Uint32Array;
}

function markedPages(bitmap: PageBitmap, pageCount: number): number[] {
  const pages: number[] = [];
  for (let page = 0; page < pageCount; page++) if (bitmap.get(page)) pages.push(page);
  return pages;
}

/** Decompresses the snapshot's trailing pages (snapshot-layout.ts) straight into guest memory. */
function streamPagesIntoMemory(cpu: RestoringCpu, ctx: number, pages: number[]): void {
  // the guest memory's place in the WebAssembly memory (a read may grow that memory, not move it)
  const guestBase = cpu.mem8.byteOffset;
  for (let first = 0; first < pages.length; first += CHUNK_PAGES) {
    const count = Math.min(CHUNK_PAGES, pages.length - first);
    const ptr = cpu.zstd_read(ctx, count * PAGE_SIZE) >>> 0;
    // v86's reader answers a damaged or short stream with no block at all
    if (ptr === 0) throw new SnapshotFormatError(`its compressed memory pages end or are damaged after ${first} of ${pages.length} pages`);
    const memory = new Uint8Array(cpu.wasm_memory.buffer);
    for (let i = 0; i < count; i++) {
      const from = ptr + i * PAGE_SIZE;
      memory.copyWithin(guestBase + pages[first + i] * PAGE_SIZE, from, from + PAGE_SIZE);
    }
    cpu.zstd_read_free(ptr, count * PAGE_SIZE);
  }
}

/**
 * Restoring a state, v86 first zeroes all of the guest's memory (512 MiB), though above its
 * first megabyte (the BIOS images it loaded) the memory is a fresh allocation, zero already.
 * Those writes cost about 0.4 s and made the host commit the whole guest memory (in Node:
 * 797 MiB resident after a restore, 367 MiB without them). Before the guest runs, a restore
 * zeroes only the BIOS area. A snapshot whose pages follow its last buffer
 * (snapshot-layout.ts) has them read from the zstd stream v86 is still reading, into their
 * place in guest memory: no 137 MiB copy in between; `state`, the one the emulator starts
 * from, gives them when it is not compressed (a saved machine). tests/guest/restore.test.ts
 * checks that the memory comes out byte for byte as v86's own restore of v86's layout leaves it.
 */
export function restoreIntoFreshMemory(emulator: V86, state?: ArrayBuffer): void {
  onCpuReady<RestoringCpu>(emulator, (cpu) => {
    const { unpack_memory: unpack, zero_memory: zero, zstd_create_ctx: create, zstd_free_ctx: free } = cpu;
    // once the guest has run, its memory is no longer fresh, and its first state no longer needed
    let fresh = true;
    let initialState = state;
    emulator.add_listener('emulator-started', () => {
      fresh = false;
      initialState = undefined;
    });
    // the zstd stream v86's restore reads: open until the state is set, memory included
    let stream: number | undefined;
    cpu.zstd_create_ctx = (size) => (stream = create.call(cpu, size));
    cpu.zstd_free_ctx = (ctx) => {
      if (ctx === stream) stream = undefined;
      free.call(cpu, ctx);
    };
    // v86's own copy, page by page, zeroing only what a fresh memory needs
    const unpackFresh = (bitmap: PageBitmap, packed: Uint8Array) => {
      if (fresh) cpu.zero_memory = (addr, size) => zero.call(cpu, addr, Math.max(0, Math.min(addr + size, BIOS_AREA) - addr));
      try {
        unpack.call(cpu, bitmap, packed);
      } finally {
        cpu.zero_memory = zero;
      }
    };
    cpu.unpack_memory = (bitmap, packed) => {
      const pages = markedPages(bitmap, cpu.memory_size[0] / PAGE_SIZE);
      if (packed.byteLength >= pages.length * PAGE_SIZE) return unpackFresh(bitmap, packed);
      if (stream !== undefined) {
        zero.call(cpu, 0, fresh ? BIOS_AREA : cpu.memory_size[0]);
        return streamPagesIntoMemory(cpu, stream, pages);
      }
      // an uncompressed state (a saved machine, gunzipped): its pages follow its last buffer
      if (!initialState) throw new SnapshotFormatError('this state keeps its memory pages at its end, but they are not at hand');
      const trailing = parseState(new Uint8Array(initialState)).trailingPages;
      if (trailing.byteLength !== pages.length * PAGE_SIZE) {
        throw new SnapshotFormatError(`the state holds ${trailing.byteLength} bytes of memory pages where its bitmap marks ${pages.length} pages`);
      }
      unpackFresh(bitmap, trailing);
    };
  });
}
