/**
 * The page's running machine and its life: starting it (a saved machine or a fresh one), saving
 * it (whole, or what changed; one save at a time), pausing it, replacing it, the restart from
 * the last good save after the watchdog's verdict, and whether leaving now would lose work.
 * Free of the DOM: the page (main.ts) gives it its parts (MachineParts), the unit tests small
 * fakes.
 */
import { errorText } from '../i18n';
import { clockTime } from '../i18n/format';
import { t } from '../i18n/page';
import { describeUse, LOW_SPACE_BYTES, requestPersistence, storageUse } from '../storage/quota';
import type { CheckpointInfo, SavedNode, SavedTerminal, SnapshotKind, SnapshotRecord, SnapshotStore } from '../storage/snapshot-store';
import type { LabProgress } from '../labs/progress';
import type { ChangesSaved, GuestInfo, Progress } from '../../workers/emulator-contract';
import type { ChangesAnswer } from './autosave';
import type { Guest } from './worker-client';
import type { StatusAction } from './status-bar';
import { SUSPECT_MS } from './watchdog';

export interface MachineStatus {
  progress(p: Progress): void;
  error(message: string, actions?: StatusAction[]): void;
  notice(message: string, isWarning?: boolean, actions?: StatusAction[]): void;
}

/** The terminals of one machine, laid out before it starts so that early typing is kept. */
export interface MachineTerminals {
  open(saved?: SavedTerminal): Promise<unknown>;
  saved(): SavedTerminal[];
}

export interface MachineParts<T extends MachineTerminals = MachineTerminals> {
  status: MachineStatus;
  store: Pick<SnapshotStore, 'list' | 'get' | 'rename' | 'dropDeltasSince' | 'remove'>;
  progress: { all(): Promise<LabProgress[]>; replaceAll(labs: LabProgress[]): Promise<void> };
  labs: { machineReady(suite: string): void; machineStopped(): void; reload(): Promise<void> };
  cluster: {
    readonly running: boolean;
    /** saves the other nodes first; undefined when there is no cluster */
    saveNodes(name: string): Promise<SavedNode[] | undefined>;
    hasChanges(): Promise<boolean>;
    restore(saved: SavedNode[]): Promise<void>;
    stop(): void;
  };
  watchdog: { start(): void; stop(): void; readonly healthy: boolean; readonly lastAnswerAt: number };
  autosave: { start(): void; stop(): void };
  startGuest(options: BootOptions, onProgress: (p: Progress) => void): Promise<{ guest: Guest; info: GuestInfo }>;
  /** false, once the page said why, when no machine may start here (a browser it cannot run in, the machine open in another tab) */
  mayStart(): Promise<boolean>;
  /** a new machine's terminals, laid out (the previous ones removed) */
  layOutTerminals(): T;
  /** the machine's shells reach its terminals */
  connect(terminals: T, guest: Guest): void;
  /** no terminal without a machine */
  clearTerminals(): void;
  /** the machine is ready: the page's buttons, its marks */
  ready(info: GuestInfo, terminals: T): void;
  /** no machine runs (and none is paused) */
  stopped(): void;
  /** a saved machine failed to start: the saved machines, with why */
  chooseAnother(why: string): void;
  /** what the last save of changes cost (for the tests and the benchmark) */
  changesSaved(cost: ChangesSaveCost): void;
  /** a separate machine (`?separate`): saved only when asked, as "Separate machine", never as deltas */
  separate: boolean;
  /** the clock of the watchdog's `lastAnswerAt` (performance.now() in the page) */
  monotonic(): number;
  now(): number;
}

export interface BootOptions {
  /** a saved machine to restore instead of the image's fresh one */
  snapshotId?: string;
  /** which of the image's machines starts fresh (GuestManifest.machines): a lab's `machine:` */
  machine?: string;
}

/** What a save of changes tells the page (for the tests and the benchmark): its cost, and when (epoch ms). */
export type ChangesSaveCost = Pick<ChangesSaved, 'storedBytes' | 'changedPages' | 'stateMs' | 'totalMs'> & { at: number };

export class MachineController<T extends MachineTerminals = MachineTerminals> {
  guest: Guest | null = null;
  info: GuestInfo | null = null;
  terminals: T | null = null;
  paused = false;
  /** when the running machine was ready (epoch ms) */
  private startedAt = 0;
  /** saves run one after another: a checkpoint asked for during an autosave waits for it */
  private saveQueue: Promise<unknown> = Promise.resolve();
  private pendingAutosave: Promise<SnapshotRecord | null> | null = null;
  /** keys typed or commands run into the machine, counted: a save taken after the last one leaves nothing unsaved */
  private inputs = 0;
  private savedInputs = 0;
  /** when the trainee last typed into a terminal (the clock of `monotonic`) */
  lastInputAt = -Infinity;
  /** a separate machine's own save, which its next save replaces */
  private separateSave: string | undefined;

  constructor(private readonly parts: MachineParts<T>) {}

  /** Something typed or run into the machine: work the next save covers. */
  input(typing = true): void {
    ++this.inputs;
    if (typing) this.lastInputAt = this.parts.monotonic();
  }

  /** Whether leaving now would lose work: something typed or run since the last save. */
  get unsaved(): boolean {
    return !!this.guest && this.inputs > this.savedInputs;
  }

  async boot(options: BootOptions = {}): Promise<void> {
    const { parts } = this;
    if (!(await parts.mayStart())) return;
    const tabs = parts.layOutTerminals();
    try {
      const started = await parts.startGuest(options, (p) => parts.status.progress(p));
      const info = started.info;
      this.guest = started.guest;
      this.info = info;
      this.terminals = tabs;
      parts.connect(tabs, started.guest);
      const first = info.firstShell && [{ ...info.firstShell, title: t.terminals.shell(1) }];
      const saved = info.restored?.session.terminals ?? first ?? [];
      for (const terminal of saved) await tabs.open(terminal);
      if (saved.length === 0) await tabs.open();
      if (info.restored) parts.status.notice(t.status.restored(info.restored.name));
      const labs = info.restored?.session.labs;
      if (labs) {
        // the labs' progress goes back to what it was when this machine was saved
        await parts.progress.replaceAll(labs).catch((error) => parts.status.notice(t.status.labProgressNotRestored(errorText(error, t)), true));
        await parts.labs.reload();
      }
      parts.labs.machineReady(info.suite);
      const cluster = info.restored?.session.cluster;
      if (cluster) void parts.cluster.restore(cluster);
      parts.ready(info, tabs);
      this.startedAt = parts.now();
      parts.watchdog.start();
      if (parts.separate) parts.status.notice(t.status.separateMachine);
      else parts.autosave.start();
    } catch (error) {
      this.stop();
      parts.clearTerminals();
      const message = errorText(error, t);
      if (options.snapshotId) {
        parts.status.error(message, [
          { label: t.status.chooseAnother, run: () => parts.chooseAnother(message) },
          { label: t.status.startFresh, run: () => this.restart({}) },
        ]);
      } else parts.status.error(message, [{ label: t.status.retry, run: () => void this.boot(options) }]);
    }
  }

  /** Saves the running machine; says in the status bar how it went (a failed save keeps the previous one). */
  save(kind: SnapshotKind, name: string, options: { checkpoint?: CheckpointInfo; replaces?: string } = {}): Promise<SnapshotRecord | null> {
    const { parts } = this;
    const g = this.guest;
    const shells = this.terminals;
    if (!g || !shells) return Promise.resolve(null);
    if (this.paused) {
      parts.status.notice(t.status.resumeToSave, true);
      return Promise.resolve(null);
    }
    if (kind === 'auto' && this.pendingAutosave) return this.pendingAutosave;
    if (kind === 'auto' && parts.separate) return this.save('named', t.saveNames.separate, { replaces: this.separateSave });
    const run = this.saveQueue.then(async () => {
      if (g !== this.guest) return null; // the machine was restarted while this save waited
      const inputsBefore = this.inputs;
      parts.status.notice(kind === 'checkpoint' ? t.status.savingCheckpoint(name) : t.status.savingMachine);
      try {
        // one automatic slot: a new autosave replaces the previous one once it is safely written
        const replaces = kind === 'auto' ? (await parts.store.list()).find((s) => s.kind === 'auto')?.id : options.replaces;
        const labs = await parts.progress.all().catch(() => undefined);
        // a cluster's other nodes first: node1's record then points at their saved states
        const cluster = await parts.cluster.saveNodes(name);
        const session = { terminals: shells.saved(), labs, cluster };
        // the autosave of a single machine goes on as deltas of this one (see saveChanges)
        const extendLater = kind === 'auto' && !cluster;
        const record = await g.api.saveSnapshot({ name, kind, replaces, checkpoint: options.checkpoint, session, extendLater }).catch(async (error) => {
          await this.discardSaved(cluster?.flatMap((n) => n.snapshotId ?? []) ?? []).catch(() => {});
          throw error;
        });
        if (parts.separate) this.separateSave = record.id;
        this.savedInputs = Math.max(this.savedInputs, inputsBefore);
        void requestPersistence();
        const use = await storageUse().catch(() => null);
        const low = use && use.quota - use.used < LOW_SPACE_BYTES;
        const what = kind === 'checkpoint' ? t.status.checkpointSaved(name) : t.status.saved;
        parts.status.notice(low ? describeUse(use, t) : t.status.savedAt(what, clockTime(new Date(parts.now())), record.storedSize), !!low);
        return record;
      } catch (error) {
        parts.status.notice((kind === 'checkpoint' ? t.status.noCheckpoint : t.status.notSaved)(errorText(error, t)), true);
        return null;
      }
    });
    this.saveQueue = run;
    if (kind === 'auto') {
      this.pendingAutosave = run;
      void run.finally(() => (this.pendingAutosave = null));
    }
    return run;
  }

  /**
   * Saves what changed since the last save as a delta of it (a second or two): what the
   * autosave does every few seconds and when the tab goes. 'first' when there is no saved state
   * to extend yet, 'full' when only full saves are made (a cluster, a separate machine),
   * 'compact' when the chain of deltas is long enough for a full save to be worth it.
   */
  saveChanges(): Promise<ChangesAnswer> {
    const { parts } = this;
    const g = this.guest;
    const shells = this.terminals;
    if (!g || !shells || this.paused || parts.separate || parts.cluster.running) return Promise.resolve('full');
    const run = this.saveQueue.then(async () => {
      if (g !== this.guest) return 'full' as const;
      const inputsBefore = this.inputs;
      const labs = await parts.progress.all().catch(() => undefined);
      const saved = await g.api.saveChanges({ terminals: shells.saved(), labs });
      if ('fullSave' in saved) return saved.fullSave === 'first' ? ('first' as const) : ('compact' as const);
      this.savedInputs = Math.max(this.savedInputs, inputsBefore);
      parts.status.notice(t.status.changesSavedAt(clockTime(new Date(parts.now()), true)));
      parts.changesSaved({
        at: parts.now(),
        storedBytes: saved.storedBytes,
        changedPages: saved.changedPages,
        stateMs: Math.round(saved.stateMs),
        totalMs: Math.round(saved.totalMs),
      });
      return saved.compact ? ('compact' as const) : ('saved' as const);
    });
    this.saveQueue = run.catch(() => undefined);
    return run;
  }

  /** Saves the machine as it is now: what changed when there is a save to extend, else whole; false when it could not. */
  async saveNow(): Promise<boolean> {
    // a machine that is not answering is not saved over the good save
    if (this.guest && !this.paused && !this.parts.watchdog.healthy) {
      this.parts.status.notice(t.status.notSaved(t.status.notAnswering), true);
      return false;
    }
    const saved = await this.saveChanges().catch(() => 'full' as const);
    return saved === 'saved' || saved === 'compact' || (await this.save('auto', t.saveNames.autosave)) !== null;
  }

  /** What the autosave may save whole: a guest that is not answering (a fork bomb, a shutdown) is not saved over the good save. */
  saveFull(): Promise<SnapshotRecord | null> {
    return this.parts.watchdog.healthy ? this.save('auto', t.saveNames.autosave) : Promise.resolve(null);
  }

  /** Whether the running machine has anything the autosave has yet to save. */
  async hasChanges(): Promise<boolean> {
    const g = this.guest;
    return !!g && !this.paused && this.parts.watchdog.healthy && ((await g.api.hasChanges()) || (await this.parts.cluster.hasChanges()));
  }

  /**
   * A lab's machine (`machine:`), or the image's default one, fresh in place of the running one,
   * which is saved first (when the trainee did anything in it since its last save) and stays in
   * "Saved".
   */
  async openMachine(machine?: string): Promise<void> {
    if (this.unsaved && this.paused) return this.parts.status.notice(t.status.resumeToSave, true);
    if (this.unsaved && !(await this.saveNow())) return this.parts.status.notice(t.status.notSavedNotReplaced, true);
    this.restart({ machine });
  }

  restart(options: BootOptions): Promise<void> {
    this.stop();
    return this.boot(options);
  }

  stop(): void {
    const { parts } = this;
    parts.watchdog.stop();
    // a save under way on this machine never ends once its worker is gone: the next machine's saves do not wait for it
    this.saveQueue = Promise.resolve();
    this.pendingAutosave = null;
    parts.cluster.stop();
    parts.labs.machineStopped();
    parts.autosave.stop();
    this.guest?.terminate();
    this.guest = null;
    this.terminals = null;
    this.info = null;
    this.paused = false;
    parts.stopped();
    this.inputs = this.savedInputs = 0;
  }

  /**
   * After the watchdog's verdict: the machine's last save taken before it stopped answering
   * (SUSPECT_MS before its last answer: a save of its last seconds may hold what stopped it),
   * restored. The saves of changes taken since are dropped; an autosave that is itself one of
   * those last seconds is kept under another name, and a fresh machine starts. A machine
   * restored from a save and not saved since came back with what stopped it: the restart goes
   * back from that save's own time, so that restarting again never brings the same state back.
   */
  async restartFromGoodSave(): Promise<void> {
    const { parts } = this;
    const answeredAt = parts.now() - (parts.monotonic() - parts.watchdog.lastAnswerAt);
    const separate = this.separateSave;
    const restoredId = this.info?.restored?.id;
    const started = this.startedAt;
    this.stop();
    parts.clearTerminals();
    let snapshotId: string | undefined;
    try {
      const saved = separate ? await parts.store.get(separate) : (await parts.store.list()).find((s) => s.kind === 'auto');
      const savedAt = saved ? Date.parse(saved.createdAt) : Infinity;
      const unsavedSinceRestore = saved !== undefined && saved.id === restoredId && savedAt < started;
      const since = (unsavedSinceRestore ? Math.min(answeredAt, savedAt) : answeredAt) - SUSPECT_MS;
      if (saved && saved.kind === 'auto') {
        const kept = await parts.store.dropDeltasSince(saved.id, since);
        if (kept) snapshotId = kept.id;
        else await parts.store.rename(saved.id, t.saveNames.notAnswering);
      } else if (saved && savedAt < since) snapshotId = saved.id;
    } catch (error) {
      parts.status.notice(t.status.listError(errorText(error, t)), true);
    }
    await this.boot({ snapshotId });
  }

  async setPaused(on: boolean): Promise<void> {
    const g = this.guest;
    if (!g || this.paused === on) return;
    this.paused = on;
    // a paused guest does not answer: no heartbeat meanwhile
    if (on) this.parts.watchdog.stop();
    await (on ? g.api.pause() : g.api.resume());
    if (!on) this.parts.watchdog.start();
    this.parts.status.progress({ phase: on ? 'paused' : 'ready', message: on ? t.status.paused : t.status.ready });
  }

  /** Another tab asks for the machine: save it, stop, let go; the reason it stays here when the save fails. */
  async handOver(): Promise<string | null> {
    await this.setPaused(false);
    if (this.guest && !(await this.saveNow())) return t.oneTab.notSavedThere;
    this.stop();
    this.parts.clearTerminals();
    return null;
  }

  /** Deletes saved states (a cluster's nodes that no saved main machine points to). */
  async discardSaved(snapshotIds: string[]): Promise<void> {
    for (const id of snapshotIds) await this.parts.store.remove(id);
  }
}
