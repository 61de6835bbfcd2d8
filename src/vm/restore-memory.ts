/**
 * How a snapshot's memory reaches the guest: v86 restores the state, these hooks write the
 * guest's memory. Both run on the emulator's thread, before the guest runs an instruction.
 */
import type { V86 } from 'v86';
import { onCpuReady } from './options';
import { PAGE_SIZE, SnapshotFormatError, parseState } from './snapshot-layout';
import type { ArrivingState } from './arriving-state';

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
  /** where the stream's compressed bytes go, in the WebAssembly memory */
  zstd_get_src_ptr(ctx: number): number;
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

/** v86's zstd stream during a restore: what it has read, and the snapshot's bytes it can read from. */
interface Stream {
  ctx: number;
  /** where v86 put the compressed snapshot in its WebAssembly memory */
  source: number;
  /** decompressed bytes read so far */
  read: number;
  /** the snapshot when it is still arriving, and how much of it is in v86's copy */
  arriving?: ArrivingState;
  copied: number;
}

/** Whether the stream can decode `length` more bytes, once what arrived since is copied to v86. */
function arrivedFor(cpu: RestoringCpu, stream: Stream, length: number): boolean {
  const { arriving } = stream;
  if (!arriving) return true;
  if (arriving.received > stream.copied) {
    arriving.copyTo(new Uint8Array(cpu.wasm_memory.buffer), stream.source + stream.copied, stream.copied, arriving.received);
    stream.copied = arriving.received;
  }
  return stream.copied >= arriving.neededFor(stream.read + length);
}

/**
 * Decompresses the snapshot's trailing pages (snapshot-layout.ts) straight into guest memory,
 * from `first` on, as long as their compressed bytes are there; returns where it stopped.
 */
function streamPagesIntoMemory(cpu: RestoringCpu, stream: Stream, pages: number[], first: number): number {
  // the guest memory's place in the WebAssembly memory (a read may grow that memory, not move it)
  const guestBase = cpu.mem8.byteOffset;
  for (; first < pages.length; first += CHUNK_PAGES) {
    const count = Math.min(CHUNK_PAGES, pages.length - first);
    if (!arrivedFor(cpu, stream, count * PAGE_SIZE)) return first;
    const ptr = cpu.zstd_read(stream.ctx, count * PAGE_SIZE) >>> 0;
    // v86's reader answers a damaged or short stream with no block at all
    if (ptr === 0)
      throw new SnapshotFormatError(`its compressed memory pages end, are damaged or do not match its checksum (after ${first} of ${pages.length} pages)`);
    const memory = new Uint8Array(cpu.wasm_memory.buffer);
    for (let i = 0; i < count; i++) {
      const from = ptr + i * PAGE_SIZE;
      memory.copyWithin(guestBase + pages[first + i] * PAGE_SIZE, from, from + PAGE_SIZE);
    }
    cpu.zstd_read_free(ptr, count * PAGE_SIZE);
  }
  return first;
}

/**
 * Restoring a state, v86 first zeroes all of the guest's memory (512 MiB), though above its
 * first megabyte (the BIOS images it loaded) the memory is a fresh allocation, zero already.
 * Those writes cost about 0.4 s and made the host commit the whole guest memory (in Node:
 * 797 MiB resident after a restore, 367 MiB without them). Before the guest runs, a restore
 * zeroes only the BIOS area. A snapshot whose pages follow its last buffer
 * (snapshot-layout.ts) has them read from the zstd stream v86 is still reading, into their
 * place in guest memory: no 137 MiB copy in between; `state`, the one the emulator starts
 * from, gives them when it is not compressed (a saved machine). With `arriving` (the snapshot
 * still being read), the pages are read as their compressed bytes arrive, after v86 has set the
 * rest of the state: the guest must not run (v86's `autostart` off) before the promise returned
 * has resolved, which it does once the first restore's memory is whole (and rejects when it
 * cannot be). The last page read, with the whole file there, has the decoder check the zstd
 * frame's checksum: that is the check of a snapshot streamed from the offline cache.
 * tests/guest/restore.test.ts checks that the memory comes out byte for byte as v86's own
 * restore of v86's layout leaves it, the snapshot whole or arriving, and that a damaged
 * checksum fails it.
 */
export function restoreIntoFreshMemory(emulator: V86, state?: ArrayBuffer, arriving?: ArrivingState): Promise<void> {
  let settle!: { resolve(): void; reject(error: unknown): void };
  const restored = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  restored.catch(() => {}); // v86's restore throws it too; a caller that streams awaits it
  onCpuReady<RestoringCpu>(emulator, (cpu) => {
    // a state v86 cannot read at all (a damaged header) fails before any page: say so too. A
    // streamed restore's caller, who runs the guest, hears it from here alone (v86 would report
    // an unhandled rejection for a snapshot the caller already knows to be damaged)
    const machine = (emulator as unknown as { v86: { restore_state(state: ArrayBuffer): void } }).v86;
    const restoreState = machine.restore_state;
    let streamed = arriving !== undefined;
    machine.restore_state = (saved) => {
      const quiet = streamed;
      streamed = false;
      try {
        restoreState.call(machine, saved);
      } catch (error) {
        settle.reject(error);
        if (!quiet) throw error;
      }
    };
    const { unpack_memory: unpack, zero_memory: zero, zstd_create_ctx: create, zstd_free_ctx: free, zstd_get_src_ptr: sourceOf, zstd_read: read } = cpu;
    // once the guest has run, its memory is no longer fresh, and its first state no longer needed
    let fresh = true;
    let initialState = state;
    emulator.add_listener('emulator-started', () => {
      fresh = false;
      initialState = undefined;
    });
    // the zstd stream v86's restore reads: open until the state is set, memory included, and
    // until the pages still arriving are in (v86 frees it once it has set the state)
    let stream: Stream | undefined;
    let pagesPending = false;
    // only the first restore's stream reads from `arriving`: v86 is given, and copies in, the
    // part that had arrived (`size` bytes); the rest is copied in as it arrives
    let toArrive = arriving;
    // these hooks live as long as the emulator: the snapshot only as long as the restore needs it
    state = arriving = undefined;
    cpu.zstd_create_ctx = (size) => {
      const ctx = create.call(cpu, toArrive?.size ?? size);
      stream ??= { ctx, source: 0, read: 0, copied: size, arriving: toArrive };
      toArrive = undefined;
      return ctx;
    };
    cpu.zstd_get_src_ptr = (ctx) => {
      const at = sourceOf.call(cpu, ctx);
      if (ctx === stream?.ctx) stream.source = at >>> 0;
      return at;
    };
    cpu.zstd_read = (ctx, length) => {
      if (ctx === stream?.ctx) {
        // v86's own reads (the state's header and buffers) come before the pages: their bytes are there
        if (!arrivedFor(cpu, stream, length)) throw new SnapshotFormatError('the restore read past the part of the snapshot that had arrived');
        stream.read += length;
      }
      return read.call(cpu, ctx, length);
    };
    cpu.zstd_free_ctx = (ctx) => {
      if (ctx === stream?.ctx && pagesPending) return; // streamRest frees it once the pages are in
      if (ctx === stream?.ctx) stream = undefined;
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
    /** the rest of the pages, as their bytes arrive; v86 has set the rest of the state meanwhile */
    const streamRest = async (open: Stream, pages: number[], from: number) => {
      pagesPending = true;
      try {
        while (from < pages.length) {
          await open.arriving!.whenReceived(open.arriving!.neededFor(open.read + PAGE_SIZE * CHUNK_PAGES));
          from = streamPagesIntoMemory(cpu, open, pages, from);
        }
      } finally {
        pagesPending = false;
        free.call(cpu, open.ctx);
        if (stream === open) stream = undefined;
      }
    };
    const unpackAll = (bitmap: PageBitmap, packed: Uint8Array): Promise<void> | void => {
      const pages = markedPages(bitmap, cpu.memory_size[0] / PAGE_SIZE);
      if (packed.byteLength >= pages.length * PAGE_SIZE) return unpackFresh(bitmap, packed);
      if (stream !== undefined) {
        zero.call(cpu, 0, fresh ? BIOS_AREA : cpu.memory_size[0]);
        const stopped = streamPagesIntoMemory(cpu, stream, pages, 0);
        return stopped < pages.length ? streamRest(stream, pages, stopped) : undefined;
      }
      // an uncompressed state (a saved machine, gunzipped): its pages follow its last buffer
      if (!initialState) throw new SnapshotFormatError('this state keeps its memory pages at its end, but they are not at hand');
      const trailing = parseState(new Uint8Array(initialState)).trailingPages;
      if (trailing.byteLength !== pages.length * PAGE_SIZE) {
        throw new SnapshotFormatError(`the state holds ${trailing.byteLength} bytes of memory pages where its bitmap marks ${pages.length} pages`);
      }
      unpackFresh(bitmap, trailing);
    };
    cpu.unpack_memory = (bitmap, packed) => {
      try {
        const rest = unpackAll(bitmap, packed);
        if (rest) rest.then(settle.resolve, settle.reject);
        else settle.resolve();
      } catch (error) {
        settle.reject(error);
        throw error;
      }
    };
  });
  return restored;
}
