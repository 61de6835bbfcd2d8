/**
 * A snapshot as one file, to hand in work or move to another computer:
 *   "LABBOX-SNAPSHOT\n" | header length (u32 LE) | header JSON | the stored pieces, concatenated
 * The pieces stay compressed as stored; import checks the format, the machine and every piece.
 */
import { checkIdentity, SnapshotDamagedError, type MachineIdentity, type SnapshotRecord, type SnapshotStore } from './snapshot-store';

const MAGIC = new TextEncoder().encode('LABBOX-SNAPSHOT\n');
const FORMAT = 1;

interface FileHeader {
  format: number;
  record: SnapshotRecord;
}

export async function exportSnapshot(store: SnapshotStore, id: string): Promise<Blob> {
  const { record, pieces } = await store.loadPieces(id);
  const header = new TextEncoder().encode(JSON.stringify({ format: FORMAT, record } satisfies FileHeader));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, header.length, true);
  return new Blob([MAGIC, length, header, ...(pieces as Uint8Array<ArrayBuffer>[])], { type: 'application/octet-stream' });
}

/** A file name for the download: the snapshot's name and date, safe on every system. */
export function exportFileName(record: SnapshotRecord): string {
  const name = record.name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'snapshot';
  return `labbox-${name}-${record.createdAt.slice(0, 10)}.labbox`;
}

export async function importSnapshot(store: SnapshotStore, file: Blob, machine: MachineIdentity): Promise<SnapshotRecord> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const notOurs = new SnapshotDamagedError('notSnapshotFile');
  if (bytes.length < MAGIC.length + 4 || MAGIC.some((b, i) => bytes[i] !== b)) throw notOurs;
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset + MAGIC.length, 4).getUint32(0, true);
  const headerStart = MAGIC.length + 4;
  if (headerStart + headerLength > bytes.length) throw new SnapshotDamagedError('fileCutShort');
  let header: FileHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength)));
  } catch {
    throw notOurs;
  }
  if (header.format !== FORMAT || !header.record?.pieces) {
    throw new SnapshotDamagedError('fileFormat', String(header.format), FORMAT);
  }
  const { record } = header;
  checkIdentity(record, machine);
  const pieces: Uint8Array[] = [];
  let offset = headerStart + headerLength;
  for (const info of record.pieces) {
    if (offset + info.size > bytes.length) throw new SnapshotDamagedError('fileCutShort');
    pieces.push(bytes.slice(offset, offset + info.size));
    offset += info.size;
  }
  // an imported checkpoint is an ordinary saved machine here: it starts no step of this page's
  // labs; a file holds one machine, so a cluster's node1 comes without its other nodes
  const { name, imageVersion, v86Version, memorySize, rawSize } = record;
  const kind = record.kind === 'checkpoint' ? 'named' : record.kind;
  const session = { ...record.session, cluster: undefined };
  return store.storePieces({ name, kind, imageVersion, v86Version, memorySize, rawSize, session }, pieces, undefined, record.pieces);
}
