import { describe, expect, it, vi } from 'vitest';
import type { SnapshotRecord, SnapshotStore } from '../../src/storage/snapshot-store';

// the page's build constants and address, before the module reads them
vi.stubGlobal('__GUEST_VERSION__', 'img-2');
vi.stubGlobal('__GUEST_PATH__', 'guest/img-2/');
vi.stubGlobal('location', { search: '' });
const { chooseMachine, imageUrl } = await import('../../src/ui/first-machine');

const record = (id: string, imageVersion: string) => ({ id, name: `machine ${id}`, imageVersion }) as SnapshotRecord;
/** a store whose list is newest first, as SnapshotStore's */
const storeOf = (saved: SnapshotRecord[] | Error) =>
  ({ list: () => (saved instanceof Error ? Promise.reject(saved) : Promise.resolve(saved)) }) as unknown as SnapshotStore;

describe('the machine a page opens with', () => {
  it('is the newest saved machine of this image', async () => {
    expect(await chooseMachine(storeOf([record('a', 'img-2'), record('b', 'img-2')]))).toEqual({ snapshotId: 'a', otherVersion: undefined });
  });

  it('skips machines of another image version, and says the newest one cannot run here', async () => {
    const older = record('a', 'img-1');
    expect(await chooseMachine(storeOf([older, record('b', 'img-2')]))).toEqual({ snapshotId: 'b', otherVersion: older });
    expect(await chooseMachine(storeOf([older]))).toEqual({ snapshotId: undefined, otherVersion: older });
  });

  it('is a fresh one when nothing is saved, or the saved machines cannot be read', async () => {
    expect(await chooseMachine(storeOf([]))).toEqual({ snapshotId: undefined, otherVersion: undefined });
    expect(await chooseMachine(storeOf(new Error('quota exceeded')))).toEqual({ listError: 'quota exceeded' });
  });

  it('is served from the site unless ?image= points elsewhere', () => {
    expect(imageUrl).toBe('/guest/img-2/');
  });
});
