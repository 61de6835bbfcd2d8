/**
 * Cuts a disk image into the parts the guest reads lazily, each through encodeCalls
 * (src/vm/call-filter.ts), named as LazyDisk asks for them: OUT/NAME-<start>-<end>.img
 * (build.sh then compresses them with zstd). Usage: chunk-disk.ts IMAGE OUT NAME CHUNK_BYTES
 */
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeCalls } from '../src/vm/call-filter';

const [image, out, name, chunkArg] = process.argv.slice(2);
const chunk = Number(chunkArg);
if (!image || !out || !name || !(chunk > 0)) {
  console.error('usage: chunk-disk.ts IMAGE OUT NAME CHUNK_BYTES');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const fd = openSync(image, 'r');
const part = new Uint8Array(chunk);
for (let start = 0; ; start += chunk) {
  const n = readSync(fd, part, 0, chunk, start);
  if (n === 0) break;
  if (n !== chunk) throw new Error(`${image} is not a whole number of ${chunk}-byte parts`);
  encodeCalls(part, start);
  writeFileSync(path.join(out, `${name}-${start}-${start + chunk}.img`), part);
}
closeSync(fd);
