import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/labs/lab';
import { ProgressStore } from '../../src/labs/progress';
import { SnapshotStore, type CheckpointInfo, type SnapshotRecord } from '../../src/storage/snapshot-store';
import { Checkpoints } from '../../src/ui/checkpoints';

const machine = { imageVersion: 'img-1', v86Version: 'v86-1', memorySize: 512 << 20 };
let dbCount = 0;
const lab = (id: string) =>
  parseLab(`---\nid: ${id}\ntitle: Lab ${id}\nlang: en\n---\n## One {#one}\n\`\`\`check\ntrue\n\`\`\`\n## Two {#two}\n\`\`\`check\ntrue\n\`\`\`\n`);

/** Checkpoints over a real (in-memory) snapshot store; the "machine" is a counter. */
function setUp() {
  const store = new SnapshotStore(createStore(`checkpoints-${++dbCount}`, 'snapshots'), 64 * 1024);
  let machineState = 0;
  const rewound: SnapshotRecord[] = [];
  const checkpoints = new Checkpoints(store, {
    save: (name: string, checkpoint: CheckpointInfo, replaces?: string) =>
      store.save({ ...machine, name, kind: 'checkpoint', checkpoint, session: { nextChannel: 1, terminals: [] } }, new Uint8Array([++machineState]), replaces),
    rewindTo: async (record) => void rewound.push(record),
  });
  return { store, checkpoints, rewound };
}

describe('lab checkpoints', () => {
  it('keeps one checkpoint per step, the newest', async () => {
    const { store, checkpoints } = setUp();
    const demo = lab('demo');
    await checkpoints.take(demo, demo.steps[0]);
    await checkpoints.take(demo, demo.steps[1]);
    const again = await checkpoints.take(demo, demo.steps[1]);
    const saved = await checkpoints.forLab('demo');
    expect([...saved.keys()].sort()).toEqual(['one', 'two']);
    expect(saved.get('two')!.id).toBe(again!.id);
    expect((await store.load(again!.id)).state).toEqual(new Uint8Array([3]));
    expect((await store.list()).length).toBe(2);
  });

  it("drops another lab's checkpoints, leaves saved machines alone", async () => {
    const { store, checkpoints } = setUp();
    const [a, b] = [lab('a'), lab('b')];
    await store.save({ ...machine, name: 'mine', kind: 'named', session: { nextChannel: 1, terminals: [] } }, new Uint8Array([9]));
    await checkpoints.take(a, a.steps[0]);
    await checkpoints.take(b, b.steps[0]);
    expect((await checkpoints.forLab('a')).size).toBe(0);
    expect((await store.list()).map((s) => s.name).sort()).toEqual(['Lab b — One', 'mine']);
  });

  it('rewinds to the record of the step', async () => {
    const { checkpoints, rewound } = setUp();
    const demo = lab('demo');
    const record = await checkpoints.take(demo, demo.steps[0]);
    await checkpoints.rewind(record!);
    expect(rewound.map((r) => r.checkpoint)).toEqual([{ labId: 'demo', stepId: 'one' }]);
  });
});

describe('lab progress saved with a machine', () => {
  it('replaces every lab’s progress with the saved one', async () => {
    const progress = new ProgressStore(createStore(`progress-${++dbCount}`, 'labs'));
    await progress.record('a', 'one', { passed: true, at: '2026-11-28T10:00:00Z' });
    const saved = await progress.all();
    await progress.record('a', 'two', { passed: true, at: '2026-11-28T10:05:00Z' });
    await progress.record('b', 'one', { passed: true, at: '2026-11-28T10:06:00Z' });
    await progress.replaceAll(saved);
    expect(await progress.all()).toEqual([{ labId: 'a', steps: { one: { passed: true, at: '2026-11-28T10:00:00Z' } } }]);
    expect((await progress.load('b')).steps).toEqual({});
  });
});
