/**
 * The snapshot's layout: v86's state format with the guest's memory pages moved to its end.
 *
 * A v86 state is a header (magic, version, total length, info length), an info block (JSON:
 * each buffer's offset and length, and the state that refers to them by index), then the
 * buffers. The guest's memory is one of them: its non-zero pages packed together (137 MiB of
 * 147 in our snapshot), placed by a bitmap that comes after it. v86 decompresses that buffer
 * into an array of its own, then copies each page into guest memory: two fresh 137 MiB
 * regions for the host to fault in (0.45 s each on these machines). With the pages at the
 * end, after the bitmap, a restore streams them straight into guest memory (see
 * restore-memory.ts): the snapshot's memory buffer is left empty, and its pages follow the
 * last buffer.
 */

const MAGIC = -2039052682;
const VERSION = 6;
/** indices in the CPU's state array (v86's CPU.get_state) */
const PACKED_MEMORY = 77;
const MEMORY_BITMAP = 78;
export const PAGE_SIZE = 4096;

interface BufferRef {
  __state_type__: string;
  buffer_id: number;
}

interface StateInfo {
  buffer_infos: { offset: number; length: number }[];
  state: unknown[];
}

/** A v86 state taken apart: its info block, its buffers, and the memory pages at its end if any. */
export interface ParsedState {
  info: StateInfo;
  buffers: Uint8Array[];
  trailingPages: Uint8Array;
}

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Where the last buffer ends: the trailing pages start there, unaligned, because that is where
 * v86's restore leaves the zstd stream (it skips the padding before a buffer, not after).
 */
const buffersEnd = (infos: StateInfo['buffer_infos']): number => {
  const last = infos.at(-1);
  return last ? last.offset + last.length : 0;
};

export class SnapshotFormatError extends Error {}

export function memoryRefs(info: StateInfo): { packed: BufferRef; bitmap: BufferRef } {
  const packed = info.state[PACKED_MEMORY] as BufferRef | undefined;
  const bitmap = info.state[MEMORY_BITMAP] as BufferRef | undefined;
  if (typeof packed?.buffer_id !== 'number' || typeof bitmap?.buffer_id !== 'number') {
    throw new SnapshotFormatError('not a v86 state with packed memory (CPU state [77] and [78])');
  }
  return { packed, bitmap };
}

/** How many pages a memory bitmap marks (one bit per 4 KiB page, as v86's bit array stores them). */
export function pagesMarked(bitmap: Uint8Array): number {
  let count = 0;
  for (const byte of bitmap) {
    for (let b = byte; b; b &= b - 1) count++;
  }
  return count;
}

export function parseState(raw: Uint8Array): ParsedState {
  if (raw.byteLength < 16) throw new SnapshotFormatError(`a v86 state is at least 16 bytes, this one ${raw.byteLength}`);
  const header = new DataView(raw.buffer, raw.byteOffset, 16);
  if (header.getInt32(0, true) !== MAGIC) throw new SnapshotFormatError('not a v86 state (bad magic number)');
  if (header.getInt32(4, true) !== VERSION) throw new SnapshotFormatError(`v86 state version ${header.getInt32(4, true)}, expected ${VERSION}`);
  const infoLength = header.getInt32(12, true);
  const info = JSON.parse(new TextDecoder().decode(raw.subarray(16, 16 + infoLength))) as StateInfo;
  const base = align4(16 + infoLength);
  const buffers = info.buffer_infos.map(({ offset, length }) => raw.subarray(base + offset, base + offset + length));
  return { info, buffers, trailingPages: raw.subarray(Math.min(base + buffersEnd(info.buffer_infos), raw.byteLength)) };
}

/** A v86 state from its parts, the buffers laid out as v86's save_state lays them out. */
export function serializeState({ info, buffers, trailingPages }: ParsedState): Uint8Array<ArrayBuffer> {
  let offset = 0;
  const bufferInfos = buffers.map((b) => {
    offset = align4(offset);
    const entry = { offset, length: b.byteLength };
    offset += b.byteLength;
    return entry;
  });
  const json = new TextEncoder().encode(JSON.stringify({ buffer_infos: bufferInfos, state: info.state }));
  const base = align4(16 + json.byteLength);
  const end = base + buffersEnd(bufferInfos);
  const out = new Uint8Array(trailingPages.byteLength ? end + trailingPages.byteLength : align4(end));
  const header = new DataView(out.buffer);
  header.setInt32(0, MAGIC, true);
  header.setInt32(4, VERSION, true);
  header.setInt32(8, out.byteLength, true);
  header.setInt32(12, json.byteLength, true);
  out.set(json, 16);
  buffers.forEach((b, i) => out.set(b, base + bufferInfos[i].offset));
  out.set(trailingPages, end);
  return out;
}

/** The snapshot's layout: the memory buffer emptied, its pages after the last buffer. */
export function movePagesToEnd(raw: Uint8Array): Uint8Array<ArrayBuffer> {
  const parsed = parseState(raw);
  const { packed, bitmap } = memoryRefs(parsed.info);
  const pages = parsed.buffers[packed.buffer_id];
  if (pages.byteLength !== pagesMarked(parsed.buffers[bitmap.buffer_id]) * PAGE_SIZE) {
    throw new SnapshotFormatError('the packed memory does not match its bitmap (pages already moved?)');
  }
  const buffers = parsed.buffers.map((b, i) => (i === packed.buffer_id ? new Uint8Array(0) : b));
  return serializeState({ info: parsed.info, buffers, trailingPages: pages });
}

/** v86's own layout back (the pages inside the memory buffer): what v86 alone can restore. */
export function movePagesBack(raw: Uint8Array): Uint8Array<ArrayBuffer> {
  const parsed = parseState(raw);
  const { packed } = memoryRefs(parsed.info);
  const buffers = parsed.buffers.map((b, i) => (i === packed.buffer_id ? parsed.trailingPages : b));
  return serializeState({ info: parsed.info, buffers, trailingPages: new Uint8Array(0) });
}
