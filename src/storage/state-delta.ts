/**
 * A saved machine's later states as deltas: what changed since the state saved before it.
 *
 * A full save takes the guest's CPU for tens of seconds (it first makes the guest drop what it
 * can read back, then compresses ~100 MiB); a few commands change only a few MiB of a
 * machine's memory pages. A delta holds the pages whose content changed (found by a 64-bit
 * hash of each page, kept per page address from the state before), the state's info block,
 * and those of its buffers that are new. Applied in order onto the full state, the deltas give
 * back the latest state byte for byte.
 *
 * States are in the snapshot layout (snapshot-layout.ts): the memory pages after the last
 * buffer, placed by the memory bitmap.
 */
import { memoryRefs, PAGE_SIZE, parseState, serializeState, type ParsedState } from '../vm/snapshot-layout';

/** What a delta is made against: the hashes of a saved state's pages and buffers. */
export interface StateIndex {
  /** the saved state's memory bitmap: which page addresses hold a page */
  bitmap: Uint8Array;
  /** two 32-bit hashes per page address (zero for an absent page) */
  pageHashes: Uint32Array;
  /** each buffer's hash key, by buffer index */
  buffers: string[];
}

const MAGIC = 0x3144424c; // "LBD1"

export class StateDeltaError extends Error {
  override name = 'StateDeltaError';
}

const isSet = (bitmap: Uint8Array, page: number) => (bitmap[page >> 3] & (1 << (page & 7))) !== 0;

/**
 * Two independent 32-bit hashes of `words` (murmur3's mixing, two seeds): an unchanged page
 * is recognised by both, so a change is missed only if both collide.
 */
function hashWords(words: Uint32Array, out: Uint32Array, at: number): void {
  let h1 = 0x9747b28c;
  let h2 = 0x5bd1e995;
  for (let i = 0; i < words.length; i++) {
    let k = Math.imul(words[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 ^= k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 ^= Math.imul(k ^ i, 0x85ebca6b);
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (Math.imul(h2, 9) + 0x7feb352d) | 0;
  }
  out[at] = fmix(h1 ^ words.length);
  out[at + 1] = fmix(h2 ^ (words.length << 2));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const scratch = new Uint32Array(2);
function bufferKey(buffer: Uint8Array): string {
  const aligned = buffer.byteOffset % 4 === 0 ? buffer : buffer.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, buffer.length >> 2);
  hashWords(words, scratch, 0);
  const tail = Array.from(buffer.subarray(buffer.length & ~3)).join('.');
  return `${buffer.length}:${scratch[0].toString(36)}:${scratch[1].toString(36)}:${tail}`;
}

/** Each page address's offset in `state.trailingPages`, or -1. */
function pageOffsets(bitmap: Uint8Array): Int32Array {
  const offsets = new Int32Array(bitmap.length * 8).fill(-1);
  let offset = 0;
  for (let page = 0; page < offsets.length; page++) {
    if (isSet(bitmap, page)) {
      offsets[page] = offset;
      offset += PAGE_SIZE;
    }
  }
  return offsets;
}

function bitmapOf(parsed: ParsedState): Uint8Array {
  return parsed.buffers[memoryRefs(parsed.info).bitmap.buffer_id];
}

/** The index a delta of the next state is made against. */
export function indexState(state: Uint8Array): StateIndex {
  const parsed = parseState(state);
  const bitmap = bitmapOf(parsed);
  const pageHashes = new Uint32Array(bitmap.length * 16);
  const pages = parsed.trailingPages;
  // the trailing pages start unaligned: hash a 4-byte-aligned copy of each
  const page = new Uint32Array(PAGE_SIZE / 4);
  const pageBytes = new Uint8Array(page.buffer);
  let offset = 0;
  for (let n = 0; n < bitmap.length * 8; n++) {
    if (!isSet(bitmap, n)) continue;
    pageBytes.set(pages.subarray(offset, offset + PAGE_SIZE));
    hashWords(page, pageHashes, n * 2);
    offset += PAGE_SIZE;
  }
  if (offset !== pages.length) throw new StateDeltaError('the memory pages do not match their bitmap');
  return { bitmap: bitmap.slice(), pageHashes, buffers: parsed.buffers.map(bufferKey) };
}

/**
 * The delta from the state `before` indexes to `state`, and the index of `state` (for the
 * next delta).
 */
export function makeDelta(before: StateIndex, state: Uint8Array): { delta: Uint8Array; index: StateIndex; changedPages: number } {
  const index = indexState(state);
  const parsed = parseState(state);
  const bitmap = index.bitmap;
  if (bitmap.length !== before.bitmap.length) throw new StateDeltaError('the two states have memories of different sizes');
  const offsets = pageOffsets(bitmap);
  const changed: number[] = [];
  for (let n = 0; n < offsets.length; n++) {
    if (offsets[n] < 0) continue;
    const same =
      isSet(before.bitmap, n) && before.pageHashes[n * 2] === index.pageHashes[n * 2] && before.pageHashes[n * 2 + 1] === index.pageHashes[n * 2 + 1];
    if (!same) changed.push(n);
  }
  const earlier = new Map(before.buffers.map((key, i) => [key, i]));
  const refs = index.buffers.map((key) => earlier.get(key) ?? -1);
  const fresh = parsed.buffers.filter((_, i) => refs[i] < 0);
  const json = new TextEncoder().encode(JSON.stringify({ info: parsed.info, refs }));
  const freshSize = fresh.reduce((n, b) => n + b.length, 0);
  const size = 8 + json.length + 4 + changed.length * 4 + changed.length * PAGE_SIZE + freshSize;
  const delta = new Uint8Array(size);
  const view = new DataView(delta.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  delta.set(json, 8);
  let at = 8 + json.length;
  view.setUint32(at, changed.length, true);
  at += 4;
  for (const n of changed) {
    view.setUint32(at, n, true);
    at += 4;
  }
  for (const n of changed) {
    delta.set(parsed.trailingPages.subarray(offsets[n], offsets[n] + PAGE_SIZE), at);
    at += PAGE_SIZE;
  }
  for (const b of fresh) {
    delta.set(b, at);
    at += b.length;
  }
  return { delta, index, changedPages: changed.length };
}

interface ParsedDelta {
  info: ParsedState['info'];
  refs: number[];
  pages: number[];
  pageData: Uint8Array;
  freshData: Uint8Array;
}

function parseDelta(delta: Uint8Array): ParsedDelta {
  const view = new DataView(delta.buffer, delta.byteOffset, delta.byteLength);
  if (delta.length < 12 || view.getUint32(0, true) !== MAGIC) throw new StateDeltaError('not a saved-machine delta');
  const jsonLength = view.getUint32(4, true);
  const { info, refs } = JSON.parse(new TextDecoder().decode(delta.subarray(8, 8 + jsonLength))) as { info: ParsedState['info']; refs: number[] };
  let at = 8 + jsonLength;
  const count = view.getUint32(at, true);
  at += 4;
  const pages = Array.from({ length: count }, (_, i) => view.getUint32(at + i * 4, true));
  at += count * 4;
  const pageData = delta.subarray(at, at + count * PAGE_SIZE);
  at += count * PAGE_SIZE;
  if (at > delta.length) throw new StateDeltaError('the delta is truncated');
  return { info, refs, pages, pageData, freshData: delta.subarray(at) };
}

/**
 * The latest state: `deltas` applied in order onto the full state `base`. Pages are copied
 * once, from wherever their latest content is.
 */
export function applyDeltas(base: Uint8Array, deltas: Uint8Array[]): Uint8Array<ArrayBuffer> {
  if (deltas.length === 0) return base as Uint8Array<ArrayBuffer>;
  const first = parseState(base);
  let bitmap = bitmapOf(first);
  // where each page address's latest content is: a source (0: base, k: delta k) and an offset
  const source = new Int16Array(bitmap.length * 8);
  const offset = pageOffsets(bitmap);
  const sources: Uint8Array[] = [first.trailingPages];
  let buffers = first.buffers;
  let info = first.info;
  for (const [k, raw] of deltas.entries()) {
    const d = parseDelta(raw);
    let fresh = 0;
    buffers = d.refs.map((ref, i) => {
      if (ref >= 0) {
        if (ref >= buffers.length) throw new StateDeltaError(`delta ${k + 1} refers to a buffer the state before it lacks`);
        return buffers[ref];
      }
      const length = d.info.buffer_infos[i].length;
      const b = d.freshData.subarray(fresh, fresh + length);
      fresh += length;
      return b;
    });
    if (fresh !== d.freshData.length) throw new StateDeltaError(`delta ${k + 1} does not match its buffers`);
    info = d.info;
    const next = buffers[memoryRefs(info).bitmap.buffer_id];
    if (next.length !== bitmap.length) throw new StateDeltaError(`delta ${k + 1} has a memory of another size`);
    // a page the state before lacked must come with the delta
    for (let n = 0; n < source.length; n++) if (!isSet(next, n)) offset[n] = -1;
    sources.push(d.pageData);
    d.pages.forEach((n, i) => {
      source[n] = k + 1;
      offset[n] = i * PAGE_SIZE;
    });
    bitmap = next;
  }
  let total = 0;
  for (let n = 0; n < source.length; n++) {
    if (!isSet(bitmap, n)) continue;
    if (offset[n] < 0) throw new StateDeltaError(`page ${n} has no content in the saved deltas`);
    total += PAGE_SIZE;
  }
  const pages = new Uint8Array(total);
  let at = 0;
  for (let n = 0; n < source.length; n++) {
    if (!isSet(bitmap, n)) continue;
    pages.set(sources[source[n]].subarray(offset[n], offset[n] + PAGE_SIZE), at);
    at += PAGE_SIZE;
  }
  return serializeState({ info, buffers, trailingPages: pages });
}
