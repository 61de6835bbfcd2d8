/** What a trainee types before a terminal's shell is attached, kept for it. */

/**
 * Bytes typed or pasted before the shell is attached that are kept for it: a few lines typed
 * during the restore are delivered in order once it is; beyond this, a paste is cut and the
 * terminal says so.
 */
export const EARLY_INPUT_LIMIT = 16 * 1024;

/**
 * Input typed before a shell is attached, kept in order up to `limit` bytes. `take()` hands the
 * kept bytes over once, with how many were left out.
 */
export class EarlyInput {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly limit = EARLY_INPUT_LIMIT) {}

  add(data: Uint8Array): void {
    const room = this.limit - this.size;
    if (data.length > room) this.dropped += data.length - room;
    if (room <= 0) return;
    const kept = data.length > room ? data.subarray(0, room) : data;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  take(): { chunks: Uint8Array[]; dropped: number } {
    const taken = { chunks: this.chunks, dropped: this.dropped };
    this.chunks = [];
    this.size = 0;
    this.dropped = 0;
    return taken;
  }
}
