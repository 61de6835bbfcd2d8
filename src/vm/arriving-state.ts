/**
 * A compressed snapshot still arriving (read from the offline cache, or downloaded), for a
 * restore that starts before its end: the bytes so far sit at the front of a buffer of the
 * snapshot's full size, and the manifest's streaming index says how many of them the first n
 * bytes of the decompressed state need. Its reader checks the whole file (size, SHA-256) and
 * says so with `finish`; the guest must not run before `complete` has resolved.
 */
import type { StreamingIndex } from './manifest';

export class ArrivingState {
  /** the snapshot, filled from the front as it arrives */
  readonly bytes: Uint8Array<ArrayBuffer>;
  received = 0;
  /** resolves once every byte has arrived and the reader found the file whole; rejects when not */
  readonly complete: Promise<void>;
  private settle!: { resolve(): void; reject(error: Error): void };
  private failure: Error | undefined;
  private waiters: { n: number; resolve(): void; reject(error: Error): void }[] = [];

  constructor(
    size: number,
    /** absent (an image made before it): a restore waits for the whole snapshot */
    readonly index?: StreamingIndex,
  ) {
    this.bytes = new Uint8Array(size);
    this.complete = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.complete.catch(() => {}); // said to whoever awaits it (or whenReceived)
  }

  push(chunk: Uint8Array): void {
    if (this.failure) return;
    if (this.received + chunk.byteLength > this.bytes.byteLength) {
      return this.fail(new Error(`the snapshot is longer than the manifest says (${this.bytes.byteLength} bytes)`));
    }
    this.bytes.set(chunk, this.received);
    this.received += chunk.byteLength;
    this.waiters = this.waiters.filter((w) => (w.n <= this.received ? (w.resolve(), false) : true));
  }

  /** The reader's verdict on the whole file: `whole` when its size and SHA-256 matched the manifest. */
  finish(whole: boolean): void {
    if (this.failure) return;
    if (!whole || this.received !== this.bytes.byteLength) return this.fail(new Error('the snapshot does not match its manifest (size or SHA-256)'));
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
    return new Promise((resolve, reject) => this.waiters.push({ n: Math.min(n, this.bytes.byteLength), resolve, reject }));
  }

  /**
   * Compressed bytes enough to decode the state's first `output` bytes: the index's first entry
   * that covers them, one entry more (a decoder may read a block header ahead), the whole file
   * past the index.
   */
  neededFor(output: number): number {
    const decodable = this.index?.decodable ?? [];
    const at = decodable.findIndex(([, out]) => out >= output);
    return at < 0 || at + 1 >= decodable.length ? this.bytes.byteLength : decodable[at + 1][0];
  }
}
