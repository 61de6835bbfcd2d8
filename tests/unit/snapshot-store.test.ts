import 'fake-indexeddb/auto';
import { createStore, get, set, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { exportSnapshot, importSnapshot } from '../../src/storage/snapshot-file';
import { indexState, makeDelta } from '../../src/storage/state-delta';
import { state } from './small-state';
import { SnapshotDamagedError, SnapshotMismatchError, SnapshotStore, StorageFullError, type NewSnapshot } from '../../src/storage/snapshot-store';

const machine = { imageVersion: 'img-1', v86Version: 'v86-1', memorySize: 512 << 20 };
const draft = (name: string): NewSnapshot => ({
  ...machine,
  name,
  kind: 'named',
  session: { nextChannel: 7, terminals: [{ channel: 3, title: 'shell 1', screen: '$ ls\r\n' }] },
});
let dbCount = 0;
const freshDb = () => createStore(`labbox-test-${++dbCount}`, 'snapshots');
/** small pieces keep the in-memory IndexedDB fast */
const PIECE_SIZE = 64 * 1024;
const storeOn = (db: UseStore) => new SnapshotStore(db, PIECE_SIZE);

/** A state that does not compress, so it spans several pieces. */
function noise(bytes: number, seed = 1): Uint8Array {
  const out = new Uint8Array(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** A store whose writes fail for lack of space after `allowed` pieces. */
function fillingUp(db: UseStore, allowed: number): UseStore {
  let puts = 0;
  return (mode, callback) =>
    db(mode, (store) =>
      callback(
        new Proxy(store, {
          get(target, prop) {
            if (prop === 'put') {
              return (value: unknown, key: IDBValidKey) => {
                if (Array.isArray(key) && ++puts > allowed) throw new DOMException('quota', 'QuotaExceededError');
                return target.put(value, key);
              };
            }
            const v = Reflect.get(target, prop);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }),
      ),
    );
}

describe('SnapshotStore', () => {
  it('stores a state in pieces and gives it back byte for byte', async () => {
    const store = storeOn(freshDb());
    const state = noise(PIECE_SIZE * 2 + 1000);
    const record = await store.save(draft('before lab 3'), state);
    expect(record.pieces.length).toBe(3);
    expect(record.rawSize).toBe(state.length);
    const loaded = await store.load(record.id);
    expect(loaded.state).toEqual(state);
    expect(loaded.record.session.terminals[0].screen).toBe('$ ls\r\n');
  });

  it('replaces an autosave in one step and frees its pieces', async () => {
    const db = freshDb();
    const store = storeOn(db);
    const first = await store.save({ ...draft('autosave'), kind: 'auto' }, noise(1000, 1));
    const second = await store.save({ ...draft('autosave'), kind: 'auto' }, noise(1000, 2), first.id);
    expect((await store.list()).map((s) => s.id)).toEqual([second.id]);
    expect(await get(['piece', first.id, 0], db)).toBeUndefined();
  });

  it('finds a damaged piece and still restores the other snapshots', async () => {
    const db = freshDb();
    const store = storeOn(db);
    const good = await store.save(draft('good'), noise(5000, 3));
    const bad = await store.save(draft('bad'), noise(5000, 4));
    const piece = (await get<Uint8Array>(['piece', bad.id, 0], db))!;
    piece[100] ^= 0xff;
    await set(['piece', bad.id, 0], piece, db);
    await expect(store.load(bad.id)).rejects.toThrow(/Snapshot "bad" is damaged \(part 1 of 1 does not match its checksum\)/);
    expect((await store.load(good.id)).state).toEqual(noise(5000, 3));
  });

  it('says the storage is full and keeps the previous snapshot when a write fails', async () => {
    const db = freshDb();
    const previous = await storeOn(db).save(draft('previous'), noise(3000, 5));
    const store = storeOn(fillingUp(db, 1));
    const error = await store.save(draft('too big'), noise(PIECE_SIZE * 2, 6), previous.id).catch((e) => e);
    expect(error).toBeInstanceOf(StorageFullError);
    expect(error.message).toMatch(/no room left.*previous snapshots are unchanged/);
    const list = await storeOn(db).list();
    expect(list.map((s) => s.name)).toEqual(['previous']);
    expect((await storeOn(db).load(previous.id)).state).toEqual(noise(3000, 5));
  });

  it('renames and deletes', async () => {
    const store = storeOn(freshDb());
    const a = await store.save({ ...draft('autosave'), kind: 'auto' }, noise(100, 7));
    await store.rename(a.id, 'before lab 4');
    expect(await store.get(a.id)).toMatchObject({ name: 'before lab 4', kind: 'named' });
    await store.remove(a.id);
    expect(await store.list()).toEqual([]);
  });
});

describe('saves as deltas', () => {
  const s0 = state({ 0: 1, 3: 2, 9: 3 });
  const s1 = state({ 0: 1, 3: 5, 9: 3, 12: 6 }, [1, 2, 3, 4]);
  const s2 = state({ 0: 7, 12: 6 }, [1, 2, 3, 4]);
  const chain = () => {
    const d1 = makeDelta(indexState(s0), s1);
    return [d1.delta, makeDelta(d1.index, s2).delta];
  };
  const session = (n: number) => ({ nextChannel: 7 + n, terminals: [] });

  it('restore to the last state added, with its session', async () => {
    const store = storeOn(freshDb());
    const record = await store.save({ ...draft('autosave'), kind: 'auto' }, s0);
    const [d1, d2] = chain();
    await store.appendDelta(record.id, d1, session(1));
    const latest = await store.appendDelta(record.id, d2, session(2));
    expect(latest.deltas).toHaveLength(2);
    const loaded = await store.load(record.id);
    expect(loaded.state).toEqual(s2);
    expect(loaded.record.session.nextChannel).toBe(9);
    expect((await store.list()).map((s) => s.id)).toEqual([record.id]);
  });

  it("go back to the last state saved before a time: later deltas and their pieces go, the session is that state's", async () => {
    const db = freshDb();
    const store = storeOn(db);
    const record = await store.save({ ...draft('autosave'), kind: 'auto' }, s0);
    const [d1, d2] = chain();
    await store.appendDelta(record.id, d1, session(1));
    await new Promise((r) => setTimeout(r, 5));
    const cut = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    const latest = await store.appendDelta(record.id, d2, session(2));
    const back = await store.dropDeltasSince(record.id, cut);
    expect(back?.deltas).toHaveLength(1);
    expect(back?.storedSize).toBe(latest.storedSize - latest.deltas![1].pieces.reduce((n, p) => n + p.size, 0));
    const loaded = await store.load(record.id);
    expect(loaded.state).toEqual(s1);
    expect(loaded.record.session.nextChannel).toBe(8);
    expect(await get(['delta', record.id, 1, 0], db)).toBeUndefined();
    // a delta appended after the rollback takes the freed place
    await store.appendDelta(record.id, d2, session(3));
    expect((await store.load(record.id)).state).toEqual(s2);
    // back to the full state: its session as it was saved
    const none = await store.dropDeltasSince(record.id, Date.parse(record.createdAt) + 1);
    expect(none?.deltas).toBeUndefined();
    expect((await store.load(record.id)).state).toEqual(s0);
    expect((await store.get(record.id))?.session.nextChannel).toBe(7);
    // nothing older than the full state: it stays
    expect(await store.dropDeltasSince(record.id, 0)).toBeNull();
    expect((await store.load(record.id)).state).toEqual(s0);
  });

  it('leave the machine restoring to its previous state when a delta cannot be written', async () => {
    const db = freshDb();
    const record = await storeOn(db).save(draft('machine'), s0);
    const [d1] = chain();
    const error = await storeOn(fillingUp(db, 0))
      .appendDelta(record.id, d1, session(1))
      .catch((e) => e);
    expect(error).toBeInstanceOf(StorageFullError);
    expect((await storeOn(db).load(record.id)).state).toEqual(s0);
  });

  it('find a damaged delta, and go when their machine goes', async () => {
    const db = freshDb();
    const store = storeOn(db);
    const record = await store.save(draft('machine'), s0);
    const [d1] = chain();
    await store.appendDelta(record.id, d1, session(1));
    const piece = (await get<Uint8Array>(['delta', record.id, 0, 0], db))!;
    piece[10] ^= 0xff;
    await set(['delta', record.id, 0, 0], piece, db);
    await expect(store.load(record.id)).rejects.toThrow(/Snapshot "machine" is damaged \(part 1 of 1 does not match its checksum\)/);
    await store.remove(record.id);
    expect(await get(['delta', record.id, 0, 0], db)).toBeUndefined();
  });

  it('export as one full state, which imports elsewhere', async () => {
    const from = storeOn(freshDb());
    const record = await from.save(draft('hand-in'), s0);
    for (const [n, d] of chain().entries()) await from.appendDelta(record.id, d, session(n));
    const to = storeOn(freshDb());
    const imported = await importSnapshot(to, await exportSnapshot(from, record.id), machine);
    expect(imported.deltas).toBeUndefined();
    expect((await to.load(imported.id)).state).toEqual(s2);
  });
});

describe('snapshot files', () => {
  it('exports and imports into another browser profile', async () => {
    const from = storeOn(freshDb());
    const state = noise(PIECE_SIZE + 10, 8);
    const record = await from.save(draft('hand-in'), state);
    const file = await exportSnapshot(from, record.id);
    const to = storeOn(freshDb());
    const imported = await importSnapshot(to, file, machine);
    expect(imported.name).toBe('hand-in');
    expect((await to.load(imported.id)).state).toEqual(state);
  });

  it('refuses what it cannot restore, with a reason', async () => {
    const from = storeOn(freshDb());
    const record = await from.save(draft('x'), noise(2000, 9));
    const file = new Uint8Array(await (await exportSnapshot(from, record.id)).arrayBuffer());
    const to = storeOn(freshDb());
    await expect(importSnapshot(to, new Blob(['hello']), machine)).rejects.toThrow(/not a LabBox snapshot/);
    await expect(importSnapshot(to, new Blob([file.slice(0, file.length - 10)]), machine)).rejects.toThrow(/incomplete/);
    await expect(importSnapshot(to, new Blob([file]), { ...machine, imageVersion: 'img-2' })).rejects.toBeInstanceOf(SnapshotMismatchError);
    const damaged = file.slice();
    damaged[damaged.length - 5] ^= 0xff;
    await expect(importSnapshot(to, new Blob([damaged]), machine)).rejects.toBeInstanceOf(SnapshotDamagedError);
    expect(await to.list()).toEqual([]);
  });
});

describe('a saved cluster', () => {
  const identity = (index: number) => ({
    index,
    name: `node${index}`,
    mac: `02:4c:42:00:00:0${index}`,
    address: `10.10.0.${10 + index}`,
    machineId: 'a'.repeat(32),
  });
  /** node2 saved first, then node1's record pointing at it (the page's order) */
  async function saveCluster(store: SnapshotStore, name: string, kind: 'auto' | 'named' = 'named', replaces?: string) {
    const node2 = await store.save({ ...draft(`${name} (node2)`), kind: 'node' }, noise(1000, 2));
    const cluster = [{ identity: identity(1) }, { identity: identity(2), snapshotId: node2.id }];
    const node1 = await store.save({ ...draft(name), kind, session: { ...draft(name).session, cluster } }, noise(1000, 1), replaces);
    return { node1, node2 };
  }

  it('lists node1 only; its other nodes are reachable through its record and go when it goes', async () => {
    const store = storeOn(freshDb());
    const { node1, node2 } = await saveCluster(store, 'swarm');
    expect((await store.list()).map((s) => s.id)).toEqual([node1.id]);
    expect((await store.load(node2.id)).state).toEqual(noise(1000, 2));
    await store.remove(node1.id);
    expect(await store.get(node2.id)).toBeUndefined();
  });

  it('a new autosave of a cluster replaces the old one with all its nodes', async () => {
    const store = storeOn(freshDb());
    const first = await saveCluster(store, 'Autosave', 'auto');
    const second = await saveCluster(store, 'Autosave', 'auto', first.node1.id);
    expect(await store.get(first.node2.id)).toBeUndefined();
    expect(await store.get(second.node2.id)).toBeDefined();
    expect((await store.list()).map((s) => s.id)).toEqual([second.node1.id]);
  });

  it('an exported node1 imports as one machine, without the nodes it no longer has', async () => {
    const from = storeOn(freshDb());
    const { node1 } = await saveCluster(from, 'swarm');
    const to = storeOn(freshDb());
    const imported = await importSnapshot(to, await exportSnapshot(from, node1.id), machine);
    expect(imported.session.cluster).toBeUndefined();
    expect((await to.load(imported.id)).state).toEqual(noise(1000, 1));
  });
});

describe('digests without crypto.subtle (plain http on a LAN address)', () => {
  it('gives the same SHA-256 and ids as the platform', async () => {
    const { sha256Hex, randomId } = await import('../../src/storage/digest');
    const data = new TextEncoder().encode('LabBox');
    const platform = await sha256Hex(data);
    // own properties hide the prototype's getters; deleting them brings the platform back
    Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined, configurable: true });
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      expect(await sha256Hex(data)).toBe(platform);
      expect(randomId()).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      delete (globalThis.crypto as { subtle?: unknown }).subtle;
      delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
      expect(globalThis.crypto.subtle).toBeTruthy();
    }
  });
});
