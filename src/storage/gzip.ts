/**
 * gzip through the platform's CompressionStream (browsers and Node alike): v86 can restore a
 * raw state but not compress one, and the built-in codec costs no download.
 */

/** Compresses `data` and returns the result cut into pieces of at most `pieceSize` bytes. */
export async function gzipPieces(data: Uint8Array, pieceSize: number): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  let piece = new Uint8Array(pieceSize);
  let filled = 0;
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(pieceSize - filled, chunk.length - offset);
      piece.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === pieceSize) {
        pieces.push(piece);
        piece = new Uint8Array(pieceSize);
        filled = 0;
      }
    }
  }
  if (filled > 0) pieces.push(piece.slice(0, filled));
  return pieces;
}

/** Decompresses the concatenation of `pieces` into one buffer of `rawSize` bytes. */
export async function gunzipPieces(pieces: Uint8Array[], rawSize: number): Promise<Uint8Array> {
  const out = new Uint8Array(rawSize);
  let filled = 0;
  const stream = new Blob(pieces as Uint8Array<ArrayBuffer>[]).stream().pipeThrough(new DecompressionStream('gzip'));
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    if (filled + chunk.length > rawSize) throw new RangeError('the snapshot is larger than its record says');
    out.set(chunk, filled);
    filled += chunk.length;
  }
  if (filled !== rawSize) throw new RangeError('the snapshot is shorter than its record says');
  return out;
}
