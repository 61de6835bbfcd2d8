/**
 * A compressed snapshot still arriving (read from the offline cache, or downloaded), for a
 * restore that starts before its end: the pieces so far, kept as they came (copying them into
 * one buffer cost a fresh 34 MiB the emulator's thread had to fault in first), and the
 * manifest's streaming index, which says how many bytes the first n bytes of the decompressed
 * state need. Its reader says with `finish` whether the whole file arrived; the guest must not
 * run before `complete` has resolved.
 */
import type { StreamingIndex } from './manifest';

export class ArrivingState {
  received = 0;
  /** resolves once every byte has arrived and the reader found the file whole; rejects when not */
  readonly complete: Promise<void>;
  private readonly pieces: Uint8Array[] = [];
  /** the piece `copyTo` read last, and where it starts in the file: reads go front to back */
  private cursor = { piece: 0, at: 0 };
  private settle!: { resolve(): void; reject(error: Error): void };
  private failure: Error | undefined;
  private waiters: { n: number; resolve(): void; reject(error: Error): void }[] = [];

  constructor(
    /** the file's size, from the manifest */
    readonly size: number,
    /** when absent, a restore waits for the whole snapshot */
    readonly index?: StreamingIndex,
  ) {
    this.complete = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.complete.catch(() => {}); // said to whoever awaits it (or whenReceived)
  }

  push(chunk: Uint8Array): void {
    if (this.failure) return;
    if (this.received + chunk.byteLength > this.size) {
      return this.fail(new Error(`the snapshot is longer than the manifest says (${this.size} bytes)`));
    }
    this.pieces.push(chunk);
    this.received += chunk.byteLength;
    this.waiters = this.waiters.filter((w) => (w.n <= this.received ? (w.resolve(), false) : true));
  }

  /** The reader's verdict: `whole` when the file matched the manifest (a download: size and SHA-256; the offline cache's copy: its size, the restore checking the rest). */
  finish(whole: boolean): void {
    if (this.failure) return;
    if (!whole || this.received !== this.size) return this.fail(new Error('the snapshot does not match its manifest'));
    this.settle.resolve();
  }

  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.settle.reject(error);
    for (const w of this.waiters) w.reject(error);
    this.waiters = [];
  }

  /** Resolves once the first `n` bytes have arrived; rejects if the snapshot fails first. */
  whenReceived(n: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (n <= this.received) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ n: Math.min(n, this.size), resolve, reject }));
  }

  /** Copies the file's bytes from `start` to `end` (arrived) into `target` at `offset`. */
  copyTo(target: Uint8Array, offset: number, start: number, end: number): void {
    if (end > this.received) throw new RangeError(`bytes up to ${end} asked for, ${this.received} arrived`);
    // front to back, as a restore reads: start from the piece read last
    if (start < this.cursor.at) this.cursor = { piece: 0, at: 0 };
    let { piece, at } = this.cursor;
    while (start < end) {
      const bytes = this.pieces[piece];
      if (start >= at + bytes.byteLength) {
        at += bytes.byteLength;
        piece++;
        continue;
      }
      const part = bytes.subarray(start - at, Math.min(bytes.byteLength, end - at));
      target.set(part, offset);
      offset += part.byteLength;
      start += part.byteLength;
      this.cursor = { piece, at };
    }
  }

  /** The first `n` bytes (arrived) in a buffer of their own. */
  slice(n: number): Uint8Array<ArrayBuffer> {
    const bytes = new Uint8Array(n);
    this.copyTo(bytes, 0, 0, n);
    return bytes;
  }

  /**
   * Compressed bytes enough to decode the state's first `output` bytes: the index's first entry
   * that covers them, one entry more (a decoder may read a block header ahead), the whole file
   * past the index.
   */
  neededFor(output: number): number {
    const decodable = this.index?.decodable ?? [];
    const at = decodable.findIndex(([, out]) => out >= output);
    return at < 0 || at + 1 >= decodable.length ? this.size : decodable[at + 1][0];
  }
}
