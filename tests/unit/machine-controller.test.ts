import { describe, expect, it, vi } from 'vitest';
import { MachineController, type MachineParts, type MachineTerminals } from '../../src/ui/machine-controller';
import type { Guest } from '../../src/ui/worker-client';
import type { GuestInfo, SaveRequest } from '../../workers/emulator-contract';
import type { SavedTerminal, SnapshotRecord } from '../../src/storage/snapshot-store';
import { SUSPECT_MS } from '../../src/ui/watchdog';
import { t } from '../../src/i18n/page';

/** A promise settled from outside. */
function later<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const record = (id: string, over: Partial<SnapshotRecord> = {}): SnapshotRecord =>
  ({ id, name: id, kind: 'auto', createdAt: new Date(0).toISOString(), storedSize: 1, session: { terminals: [] }, ...over }) as SnapshotRecord;

const machineInfo = (over: Partial<GuestInfo> = {}): GuestInfo =>
  ({ machine: { imageVersion: 'v', memorySize: 1 }, suite: 'trixie', marks: {}, firstShell: { channel: 1 }, ...over }) as unknown as GuestInfo;

/** A fake page around a fake guest: what the controller asked of each part, in order. */
function page(over: Partial<MachineParts> = {}, info = machineInfo()) {
  const log: string[] = [];
  const saves: SaveRequest[] = [];
  /** how the guest answers saves: each save waits on the next of these when any is queued */
  const saveGates: Array<Promise<void>> = [];
  let nextId = 0;
  let changes: () => unknown = () => ({ fullSave: 'first' });
  const api = {
    saveSnapshot: async (request: SaveRequest) => {
      saves.push(request);
      log.push(`save ${request.kind} ${request.name}${request.replaces ? ` replacing ${request.replaces}` : ''}`);
      await saveGates.shift();
      return record(`saved-${++nextId}`, { kind: request.kind });
    },
    saveChanges: async () => (log.push('changes'), changes()),
    hasChanges: async () => true,
    pause: async () => void log.push('pause'),
    resume: async () => void log.push('resume'),
  };
  const guest = { api, terminate: () => log.push('terminate') } as unknown as Guest;
  const opened: Array<SavedTerminal | undefined> = [];
  const terminals: MachineTerminals = { open: async (saved) => void opened.push(saved), saved: () => [] };
  const notices: string[] = [];
  const errors: Array<{ message: string; actions: string[] }> = [];
  let clock = 1_000_000;
  const watchdog = { healthy: true, lastAnswerAt: 0, start: () => log.push('watchdog on'), stop: () => log.push('watchdog off') };
  const parts: MachineParts = {
    status: {
      progress: () => {},
      error: (message, actions = []) => errors.push({ message, actions: actions.map((a) => a.label) }),
      notice: (message) => notices.push(message),
    },
    store: {
      list: async () => [],
      get: async () => undefined,
      rename: async (id, name) => void log.push(`rename ${id} ${name}`),
      dropDeltasSince: async () => null,
      remove: async (id) => void log.push(`remove ${id}`),
    },
    progress: { all: async () => [], replaceAll: async () => void log.push('progress restored') },
    labs: { machineReady: () => log.push('labs ready'), machineStopped: () => {}, reload: async () => {} },
    cluster: { running: false, saveNodes: async () => undefined, hasChanges: async () => false, restore: async () => {}, stop: () => {} },
    watchdog,
    autosave: { start: () => log.push('autosave on'), stop: () => {} },
    startGuest: async (options) => (log.push(`start ${JSON.stringify(options)}`), { guest, info }),
    mayStart: async () => true,
    layOutTerminals: () => terminals,
    connect: () => {},
    clearTerminals: () => {},
    ready: () => log.push('ready'),
    stopped: () => {},
    chooseAnother: () => {},
    changesSaved: () => {},
    separate: false,
    monotonic: () => clock,
    now: () => clock,
    ...over,
  };
  return {
    machine: new MachineController(parts),
    parts,
    log,
    saves,
    saveGates,
    opened,
    notices,
    errors,
    watchdog,
    setChanges: (answer: () => unknown) => (changes = answer),
    advance: (ms: number) => (clock += ms),
  };
}

describe('MachineController', () => {
  it("starts a saved machine with its terminals and its labs' progress, then the watchdog and the autosave", async () => {
    const saved = { channel: 3, title: 'two' } as unknown as SavedTerminal;
    const p = page({}, machineInfo({ restored: { id: 's1', name: 'Monday', session: { terminals: [saved], labs: [] } } as never }));
    await p.machine.boot({ snapshotId: 's1' });
    expect(p.opened).toEqual([saved]);
    expect(p.log).toEqual(['start {"snapshotId":"s1"}', 'progress restored', 'labs ready', 'ready', 'watchdog on', 'autosave on']);
    expect(p.notices).toContain(t.status.restored('Monday'));
  });

  it('starts nothing where it may not start', async () => {
    const p = page({ mayStart: async () => false });
    await p.machine.boot();
    expect(p.log).toEqual([]);
    expect(p.machine.guest).toBeNull();
  });

  it('says why a saved machine did not start and offers another one or a fresh machine', async () => {
    const p = page({ startGuest: async () => Promise.reject(new Error('damaged')) });
    await p.machine.boot({ snapshotId: 'bad' });
    expect(p.errors).toEqual([{ message: 'damaged', actions: [t.status.chooseAnother, t.status.startFresh] }]);
    expect(p.machine.guest).toBeNull();
  });

  it('saves one at a time, in the order asked; an autosave asked while one waits is that one', async () => {
    const p = page();
    await p.machine.boot();
    const gate = later<void>();
    p.saveGates.push(gate.promise);
    const first = p.machine.save('checkpoint', 'step 2');
    const auto = p.machine.save('auto', 'Autosave');
    expect(p.machine.save('auto', 'Autosave')).toBe(auto);
    await vi.waitFor(() => expect(p.saves.length).toBe(1));
    gate.resolve();
    expect((await first)?.kind).toBe('checkpoint');
    expect((await auto)?.kind).toBe('auto');
    expect(p.log.filter((l) => l.startsWith('save'))).toEqual(['save checkpoint step 2', 'save auto Autosave']);
  });

  it('counts work as unsaved until a save that began after it ends', async () => {
    const p = page();
    await p.machine.boot();
    expect(p.machine.unsaved).toBe(false);
    p.machine.input();
    expect(p.machine.unsaved).toBe(true);
    const gate = later<void>();
    p.saveGates.push(gate.promise);
    const saving = p.machine.save('named', 'mine');
    await vi.waitFor(() => expect(p.saves.length).toBe(1));
    p.machine.input(); // typed while the save runs: not in it
    gate.resolve();
    await saving;
    expect(p.machine.unsaved).toBe(true);
    await p.machine.save('named', 'mine again');
    expect(p.machine.unsaved).toBe(false);
  });

  it('saves what changed when it can, else the whole machine; never a machine that stopped answering', async () => {
    const p = page();
    await p.machine.boot();
    p.machine.input();
    p.setChanges(() => ({ record: record('a'), storedBytes: 10, changedPages: 2, stateMs: 1, totalMs: 2, compact: false }));
    expect(await p.machine.saveNow()).toBe(true);
    expect(p.saves).toEqual([]);
    expect(p.machine.unsaved).toBe(false);
    p.setChanges(() => ({ fullSave: 'first' }));
    expect(await p.machine.saveNow()).toBe(true);
    expect(p.saves.map((s) => [s.kind, s.extendLater])).toEqual([['auto', true]]);
    p.watchdog.healthy = false;
    expect(await p.machine.saveNow()).toBe(false);
    expect(p.notices.at(-1)).toBe(t.status.notSaved(t.status.notAnswering));
    expect(await p.machine.saveFull()).toBeNull();
    expect(p.saves.length).toBe(1);
  });

  it('asks to resume a paused machine before saving it', async () => {
    const p = page();
    await p.machine.boot();
    await p.machine.setPaused(true);
    expect(await p.machine.save('named', 'x')).toBeNull();
    expect(p.notices.at(-1)).toBe(t.status.resumeToSave);
    expect(p.log).toContain('watchdog off');
  });

  it('saves a separate machine whole under its own name, each save replacing the last, never as what changed', async () => {
    const p = page({ separate: true });
    await p.machine.boot();
    expect(await p.machine.saveChanges()).toBe('full');
    const first = await p.machine.save('auto', 'Autosave');
    await p.machine.save('auto', 'Autosave');
    expect(p.log.filter((l) => l.startsWith('save'))).toEqual([
      `save named ${t.saveNames.separate}`,
      `save named ${t.saveNames.separate} replacing ${first!.id}`,
    ]);
    expect(p.log).not.toContain('autosave on');
  });

  it('saves unsaved work before opening another machine in its place, and keeps the machine when that save fails', async () => {
    const p = page();
    await p.machine.boot();
    p.machine.input();
    p.setChanges(() => ({ fullSave: 'first' }));
    const failing = later<void>();
    p.saveGates.push(failing.promise);
    failing.reject(new Error('disk full'));
    await p.machine.openMachine('kubernetes');
    expect(p.notices.at(-1)).toBe(t.status.notSavedNotReplaced);
    expect(p.log).not.toContain('terminate');
    const before = p.log.length;
    await p.machine.openMachine('kubernetes');
    const after = p.log.slice(before);
    expect(after.indexOf('save auto Autosave')).toBeLessThan(after.indexOf('terminate'));
    expect(after.indexOf('terminate')).toBeLessThan(after.indexOf('start {"machine":"kubernetes"}'));
  });

  it('restarts after the verdict from the autosave without the deltas of the seconds before the last answer', async () => {
    const since: number[] = [];
    const p = page({
      store: {
        list: async () => [record('auto-1', { createdAt: new Date(0).toISOString() })],
        get: async () => undefined,
        rename: async () => {},
        dropDeltasSince: async (id, at) => (since.push(at), record(id)),
        remove: async () => {},
      },
    });
    await p.machine.boot();
    p.watchdog.lastAnswerAt = 1_000_000; // the clock at the start
    p.advance(30_000);
    await p.machine.restartFromGoodSave();
    expect(since).toEqual([1_000_000 - SUSPECT_MS]);
    expect(p.log.filter((l) => l.startsWith('start'))).toEqual(['start {}', 'start {"snapshotId":"auto-1"}']);
  });

  it('keeps an autosave that holds only suspect seconds under another name, and starts a fresh machine', async () => {
    const p = page({
      store: {
        list: async () => [record('auto-1')],
        get: async () => undefined,
        rename: async (id, name) => void p.log.push(`rename ${id} ${name}`),
        dropDeltasSince: async () => null,
        remove: async () => {},
      },
    });
    await p.machine.boot();
    await p.machine.restartFromGoodSave();
    expect(p.log).toContain(`rename auto-1 ${t.saveNames.notAnswering}`);
    expect(p.log.filter((l) => l.startsWith('start'))).toEqual(['start {}', 'start {}']);
  });

  it('hands the machine over to another tab once it is saved, and keeps it when it cannot be saved', async () => {
    const p = page();
    await p.machine.boot();
    p.watchdog.healthy = false;
    expect(await p.machine.handOver()).toBe(t.oneTab.notSavedThere);
    expect(p.machine.guest).not.toBeNull();
    p.watchdog.healthy = true;
    expect(await p.machine.handOver()).toBeNull();
    expect(p.machine.guest).toBeNull();
    expect(p.log).toContain('terminate');
  });
});
