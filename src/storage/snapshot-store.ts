/**
 * The trainee's saved machines in IndexedDB (idb-keyval): each snapshot is the v86 state
 * gzip-compressed and cut into pieces, plus a small record; one index lists the records.
 *
 * Safety: pieces go under a new snapshot id first; only then does one transaction switch the
 * index to it. A crash or a full quota mid-write leaves the index, and every snapshot it
 * lists, as it was. Each piece carries its SHA-256, so damage is found before a restore.
 */
import { createStore, delMany, get, set, update, type UseStore } from 'idb-keyval';
import type { NodeIdentity } from '../cluster/plan';
import type { LabProgress } from '../labs/progress';
import { randomId, sha256Hex } from './digest';
import { gunzipPieces, gzipPieces } from './gzip';
import { applyDeltas } from './state-delta';
import { SaidError } from '../i18n';

/** 4 MiB: one write never needs much more than the piece in flight. */
export const PIECE_SIZE = 4 * 2 ** 20;

/**
 * auto: the one autosave slot; named: saved by the trainee; checkpoint: the start of a lab
 * step; node: another node of a cluster, saved with the main machine (only reached through
 * that machine's record, never listed on its own)
 */
export type SnapshotKind = 'auto' | 'named' | 'checkpoint' | 'node';

/** What must match for v86 to restore a state: the same image, emulator build and memory. */
export interface MachineIdentity {
  imageVersion: string;
  v86Version: string;
  memorySize: number;
}

/** A terminal as saved with a machine: its shell's agent channel and what was on screen. */
export interface SavedTerminal {
  channel: number;
  title: string;
  screen: string;
}

/** What the page wants back after a restore: its terminals, reattached to their shells. */
export interface SessionInfo {
  /** the guest agent's next free channel: new channels must not collide with live shells */
  nextChannel: number;
  terminals: SavedTerminal[];
  /** every lab's progress when the machine was saved: a restore brings both back together */
  labs?: LabProgress[];
  /** the cluster this machine was node1 of: every node's identity, the others' saved states */
  cluster?: SavedNode[];
}

/** A cluster node as saved with the main machine; node1 (the main machine) has no snapshotId. */
export interface SavedNode {
  identity: NodeIdentity;
  snapshotId?: string;
}

/** The lab step a checkpoint snapshot starts. */
export interface CheckpointInfo {
  labId: string;
  stepId: string;
}

export interface SnapshotRecord extends MachineIdentity {
  id: string;
  name: string;
  kind: SnapshotKind;
  createdAt: string;
  /** size of the raw v86 state */
  rawSize: number;
  /** bytes stored (compressed) */
  storedSize: number;
  pieces: StoredPiece[];
  session: SessionInfo;
  checkpoint?: CheckpointInfo;
  /**
   * the machine's later states, each as what changed since the one before (state-delta.ts):
   * the record restores to the last of them
   */
  deltas?: SavedDelta[];
  /** with deltas: when the full state was saved (epoch ms) and the session it restores with */
  base?: { savedAt: number; session: SessionInfo };
}

export interface StoredPiece {
  size: number;
  sha256: string;
}

export interface SavedDelta {
  rawSize: number;
  pieces: StoredPiece[];
  /** when it was saved (epoch ms) and the page's session then: dropDeltasSince goes back to it */
  savedAt?: number;
  session?: SessionInfo;
}

export type NewSnapshot = Omit<SnapshotRecord, 'id' | 'rawSize' | 'storedSize' | 'pieces' | 'createdAt' | 'deltas' | 'base'>;

interface Index {
  snapshots: SnapshotRecord[];
}

/** The browser refused the write for lack of space; nothing already saved was touched. */
export class StorageFullError extends SaidError {
  override name = 'StorageFullError';
}
/** A stored snapshot is damaged or truncated; the others are unaffected. */
export class SnapshotDamagedError extends SaidError {
  override name = 'SnapshotDamagedError';
}
/** The snapshot was made by another image, emulator or memory size and cannot be restored. */
export class SnapshotMismatchError extends SaidError {
  override name = 'SnapshotMismatchError';
}

const INDEX_KEY = 'index';
const pieceKey = (id: string, n: number) => ['piece', id, n];
const deltaKey = (id: string, delta: number, n: number) => ['delta', id, delta, n];

export class SnapshotStore {
  constructor(
    private readonly db: UseStore = createStore('labbox', 'snapshots'),
    private readonly pieceSize = PIECE_SIZE,
  ) {}

  /** The machines a trainee can restore, newest first (a cluster's other nodes come with their node1). */
  async list(): Promise<SnapshotRecord[]> {
    return (await this.all()).filter((s) => s.kind !== 'node').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async get(id: string): Promise<SnapshotRecord | undefined> {
    return (await this.all()).find((s) => s.id === id);
  }

  private async all(): Promise<SnapshotRecord[]> {
    return (await get<Index>(INDEX_KEY, this.db))?.snapshots ?? [];
  }

  /**
   * Compresses and stores a raw v86 state. `replaces` (an older autosave) leaves the index in
   * the same transaction that adds the new one, then its pieces are deleted.
   */
  async save(snapshot: NewSnapshot, state: Uint8Array, replaces?: string): Promise<SnapshotRecord> {
    const pieces = await gzipPieces(state, this.pieceSize);
    return this.storePieces({ ...snapshot, rawSize: state.length }, pieces, replaces);
  }

  /** Stores already-compressed pieces (an import), checking each against its digest. */
  async storePieces(
    snapshot: NewSnapshot & { rawSize: number },
    pieces: Uint8Array[],
    replaces?: string,
    expected?: SnapshotRecord['pieces'],
  ): Promise<SnapshotRecord> {
    const id = randomId();
    const replaced = replaces ? await this.get(replaces) : undefined;
    const record: SnapshotRecord = { ...snapshot, id, createdAt: new Date().toISOString(), storedSize: 0, pieces: [] };
    try {
      for (const [n, piece] of pieces.entries()) {
        const sha256 = await sha256Hex(piece);
        if (expected && (expected[n]?.sha256 !== sha256 || expected[n]?.size !== piece.length)) {
          throw new SnapshotDamagedError('partMismatch', n + 1, expected.length);
        }
        await set(pieceKey(id, n), piece, this.db);
        record.pieces.push({ size: piece.length, sha256 });
        record.storedSize += piece.length;
      }
      await update<Index>(
        INDEX_KEY,
        (index) => ({
          snapshots: [...(index?.snapshots ?? []).filter((s) => s.id !== replaces), record],
        }),
        this.db,
      );
    } catch (error) {
      await delMany(
        Array.from({ length: record.pieces.length + 1 }, (_, n) => pieceKey(id, n)),
        this.db,
      ).catch(() => {});
      if (isQuotaError(error)) {
        throw new StorageFullError('noRoomSnapshot');
      }
      throw error;
    }
    if (replaced) {
      await this.deletePieces(replaced).catch(() => {});
      await this.removeNodes(replaced).catch(() => {});
    }
    return record;
  }

  /** The raw v86 state, its latest one when it has deltas, after every piece is checked. */
  async load(id: string): Promise<{ record: SnapshotRecord; state: Uint8Array }> {
    const record = await this.get(id);
    if (!record) throw new SnapshotDamagedError('snapshotGone');
    const pieces = await this.readPieces(record, record.pieces, (n) => pieceKey(id, n));
    const deltas: Uint8Array[][] = [];
    for (const [k, delta] of (record.deltas ?? []).entries()) deltas.push(await this.readPieces(record, delta.pieces, (n) => deltaKey(id, k, n)));
    try {
      const base = await gunzipPieces(pieces, record.rawSize);
      const changes: Uint8Array[] = [];
      for (const [k, delta] of (record.deltas ?? []).entries()) changes.push(await gunzipPieces(deltas[k], delta.rawSize));
      return { record, state: applyDeltas(base, changes) };
    } catch (error) {
      throw new SnapshotDamagedError('snapshotDamaged', record.name, error instanceof Error ? error : String(error));
    }
  }

  /**
   * The stored (compressed) pieces of one full state, each checked against its digest; a
   * machine saved with deltas is compressed again whole (for an export).
   */
  async loadPieces(id: string): Promise<{ record: SnapshotRecord; pieces: Uint8Array[] }> {
    const record = await this.get(id);
    if (!record) throw new SnapshotDamagedError('snapshotGone');
    if (record.deltas?.length) {
      const { state } = await this.load(id);
      const pieces = await gzipPieces(state, this.pieceSize);
      const stored = await Promise.all(pieces.map(async (p) => ({ size: p.length, sha256: await sha256Hex(p) })));
      const storedSize = stored.reduce((n, p) => n + p.size, 0);
      return { record: { ...record, rawSize: state.length, storedSize, pieces: stored, deltas: undefined, base: undefined }, pieces };
    }
    return { record, pieces: await this.readPieces(record, record.pieces, (n) => pieceKey(id, n)) };
  }

  private async readPieces(record: SnapshotRecord, infos: StoredPiece[], key: (n: number) => IDBValidKey): Promise<Uint8Array[]> {
    const pieces: Uint8Array[] = [];
    for (const [n, info] of infos.entries()) {
      const piece = await get<Uint8Array>(key(n), this.db);
      if (!piece || piece.length !== info.size || (await sha256Hex(piece)) !== info.sha256) {
        throw new SnapshotDamagedError('pieceDamaged', record.name, n + 1, infos.length, !piece);
      }
      pieces.push(piece);
    }
    return pieces;
  }

  /**
   * Adds a delta (state-delta.ts) to a saved machine, with the page's session as it is now:
   * its pieces first, then one transaction that lists them in its record. A crash between the
   * two leaves the record restoring to its previous state.
   */
  async appendDelta(id: string, delta: Uint8Array, session: SessionInfo): Promise<SnapshotRecord> {
    const record = await this.get(id);
    if (!record) throw new SnapshotDamagedError('snapshotGone');
    const k = record.deltas?.length ?? 0;
    const pieces = await gzipPieces(delta, this.pieceSize);
    const stored: StoredPiece[] = [];
    let updated: SnapshotRecord | undefined;
    try {
      for (const [n, piece] of pieces.entries()) {
        await set(deltaKey(id, k, n), piece, this.db);
        stored.push({ size: piece.length, sha256: await sha256Hex(piece) });
      }
      const size = stored.reduce((n, p) => n + p.size, 0);
      await update<Index>(
        INDEX_KEY,
        (index) => ({
          snapshots: (index?.snapshots ?? []).map((s) => {
            if (s.id !== id || (s.deltas?.length ?? 0) !== k) return s;
            const savedAt = Date.now();
            const base = s.base ?? { savedAt: Date.parse(s.createdAt), session: s.session };
            const added: SavedDelta = { rawSize: delta.length, pieces: stored, savedAt, session };
            updated = {
              ...s,
              session,
              base,
              createdAt: new Date(savedAt).toISOString(),
              storedSize: s.storedSize + size,
              deltas: [...(s.deltas ?? []), added],
            };
            return updated;
          }),
        }),
        this.db,
      );
      if (!updated) throw new SnapshotDamagedError('snapshotChanged');
    } catch (error) {
      await this.deleteDeltaPieces(id, k, pieces.length).catch(() => {});
      if (isQuotaError(error)) {
        throw new StorageFullError('noRoomSave');
      }
      throw error;
    }
    return updated;
  }

  /**
   * Takes a machine back to the last state it saved before `since` (epoch ms): the deltas
   * saved since go, with their pieces, and its session is that state's. Returns the record as
   * it is then; null when even its full state was saved since (it stays as it is: nothing is
   * older to go back to) or when it is gone.
   */
  async dropDeltasSince(id: string, since: number): Promise<SnapshotRecord | null> {
    const record = await this.get(id);
    if (!record) return null;
    const deltas = record.deltas ?? [];
    const baseAt = record.base?.savedAt ?? (deltas.length ? -Infinity : Date.parse(record.createdAt));
    if (baseAt >= since) return null;
    // a delta without its time (saved before deltas had one) is kept, and so is what comes before it
    let keep = deltas.length;
    while (keep > 0 && (deltas[keep - 1].savedAt ?? -Infinity) >= since) keep--;
    if (keep === deltas.length) return record;
    let updated: SnapshotRecord | undefined;
    await update<Index>(
      INDEX_KEY,
      (index) => ({
        snapshots: (index?.snapshots ?? []).map((s) => {
          if (s.id !== id || (s.deltas?.length ?? 0) !== deltas.length) return s;
          const kept = deltas.slice(0, keep);
          const last = kept.at(-1);
          const dropped = deltas.slice(keep).reduce((n, d) => n + d.pieces.reduce((m, p) => m + p.size, 0), 0);
          const savedAt = last ? (last.savedAt ?? baseAt) : baseAt;
          updated = {
            ...s,
            session: (last ? last.session : s.base?.session) ?? s.session,
            createdAt: new Date(savedAt).toISOString(),
            storedSize: s.storedSize - dropped,
            deltas: kept.length ? kept : undefined,
            base: kept.length ? s.base : undefined,
          };
          return updated;
        }),
      }),
      this.db,
    );
    if (!updated) throw new SnapshotDamagedError('snapshotChanged');
    for (let k = keep; k < deltas.length; k++) await this.deleteDeltaPieces(id, k, deltas[k].pieces.length);
    return updated;
  }

  async rename(id: string, name: string): Promise<void> {
    await update<Index>(
      INDEX_KEY,
      (index) => ({
        snapshots: (index?.snapshots ?? []).map((s) => (s.id === id ? { ...s, name, kind: 'named' as const } : s)),
      }),
      this.db,
    );
  }

  /** Deletes a snapshot, and the other nodes saved with it. */
  async remove(id: string): Promise<void> {
    const record = await this.get(id);
    await update<Index>(INDEX_KEY, (index) => ({ snapshots: (index?.snapshots ?? []).filter((s) => s.id !== id) }), this.db);
    if (record) {
      await this.deletePieces(record);
      await this.removeNodes(record);
    }
  }

  private async removeNodes(record: SnapshotRecord): Promise<void> {
    for (const node of record.session.cluster ?? []) if (node.snapshotId) await this.remove(node.snapshotId);
  }

  /** A record's pieces and its deltas' pieces. */
  private async deletePieces(record: SnapshotRecord): Promise<void> {
    const keys = record.pieces.map((_, n) => pieceKey(record.id, n));
    for (const [k, delta] of (record.deltas ?? []).entries()) keys.push(...delta.pieces.map((_, n) => deltaKey(record.id, k, n)));
    if (keys.length > 0) await delMany(keys, this.db);
  }

  private async deleteDeltaPieces(id: string, k: number, count: number): Promise<void> {
    if (count > 0)
      await delMany(
        Array.from({ length: count }, (_, n) => deltaKey(id, k, n)),
        this.db,
      );
  }
}

/** Refuses a snapshot that this machine cannot restore, saying why. */
export function checkIdentity(snapshot: MachineIdentity & { name: string }, machine: MachineIdentity): void {
  if (snapshot.imageVersion !== machine.imageVersion) {
    throw new SnapshotMismatchError('otherImage', snapshot.name, snapshot.imageVersion, machine.imageVersion);
  }
  if (snapshot.v86Version !== machine.v86Version || snapshot.memorySize !== machine.memorySize) {
    throw new SnapshotMismatchError('otherEmulator', snapshot.name);
  }
}

function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || (name === 'UnknownError' && /quota|space/i.test(String((error as Error).message)));
}
