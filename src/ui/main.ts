/** The page shell (loaded by entry.ts): start the guest (the last saved machine, or a fresh one), show progress, open the terminals. */
import { describeUse, LOW_SPACE_BYTES, requestPersistence, storageUse } from '../storage/quota';
import { errorText } from '../i18n';
import { t } from '../i18n/page';
import { SnapshotStore, type CheckpointInfo, type SnapshotKind, type SnapshotRecord } from '../storage/snapshot-store';
import type { GuestInfo } from '../../workers/emulator-contract';
import { Autosave, type ChangesAnswer } from './autosave';
import { Checkpoints } from './checkpoints';
import { OfflineButton } from './offline-button';
import { InspectorPanel, INSPECTOR_VIEWS, type InspectorView } from './inspector-panel';
import { registerServiceWorker } from '../offline/updates';
import { chooseMachine, imageUrl, isSeparateMachine, oneTab, takeEarlyChoice } from './first-machine';
import { createStore } from 'idb-keyval';
import { browserProblem, isWebKit, startGuest, terminalHost, type Guest } from './guest';
import { HelpOverlay } from './help';
import { LabAuthor } from './lab-author';
import { LabPanel, type LabHost } from './lab-panel';
import { showLabFromAddress } from './lab-source';
import { ProgressStore } from '../labs/progress';
import { SnapshotsPanel } from './snapshots-panel';
import { StatusBar } from './status-bar';
import { Terminals } from './terminals';
import { ClusterView } from './cluster-view';
import { MEMORY_IN_USE, SUSPECT_MS, Watchdog } from './watchdog';
import { answerPreviews } from '../preview/page';
import { PortsPanel } from '../preview/ports-panel';
import { EditorPane } from '../editor/editor-pane';
import type { GuestRequest } from '../files/guest-requests';
import { acceptDrops, download, type TransferHost } from '../files/transfer';

const status = new StatusBar(document.querySelector('#status')!);
const help = new HelpOverlay(document.body);
document.querySelector<HTMLButtonElement>('#help-button')!.onclick = () => help.toggle();

const store = new SnapshotStore();
let guest: Guest | null = null;
let info: GuestInfo | null = null;
let terminals: Terminals | null = null;
let paused = false;
/** when the running machine was ready (epoch ms) */
let startedAt = 0;
/** saves run one after another: a checkpoint asked for during an autosave waits for it */
let saveQueue: Promise<unknown> = Promise.resolve();
let pendingAutosave: Promise<SnapshotRecord | null> | null = null;
/** keys typed or commands run into the machine, counted: a save taken after the last one leaves nothing unsaved */
let inputs = 0;
let savedInputs = 0;
/** when the trainee last typed into a terminal (performance.now()) */
let lastInputAt = -Infinity;
/** a separate machine's own save, which its next save replaces */
let separateSave: string | undefined;
const pauseButton = document.querySelector<HTMLButtonElement>('#pause-button')!;
const resetButton = document.querySelector<HTMLButtonElement>('#reset-button')!;
const saveButton = document.querySelector<HTMLButtonElement>('#save-button')!;
const machineButtons = [pauseButton, resetButton, saveButton];

const panel = new SnapshotsPanel(document.body, store, {
  machine: () => info?.machine ?? null,
  restore: (record) => restart({ snapshotId: record.id }),
  fresh: () => restart({}),
  saveAs: (name) => save('named', name),
});
document.querySelector<HTMLButtonElement>('#snapshots-button')!.onclick = () => void panel.show();

const labHost: LabHost = {
  exec: async (command, timeoutMs, node) => {
    if (!guest) throw new Error(t.status.notRunningYet);
    return clusterView.guestFor(node, guest).api.exec(command, timeoutMs, false);
  },
  type: (text, node) => {
    ++inputs;
    void clusterView.type(text, node);
  },
  startCluster: (nodes) => void clusterView.start(nodes),
  startMachine: (machine) => openMachine(machine),
  warn: (message) => status.notice(message, true),
  inspect: (view) => {
    if (INSPECTOR_VIEWS.includes(view as InspectorView)) inspector.show(view as InspectorView);
  },
};
const inspector = new InspectorPanel(document.querySelector('#inspector')!, {
  exec: (command, timeoutMs) => (guest && !paused ? guest.api.exec(command, timeoutMs, false) : null),
});
document.querySelector<HTMLButtonElement>('#inspect-button')!.onclick = () => {
  inspector.toggle();
  terminals?.current()?.fit();
};
/** The emulator worker of the running machine, or of a cluster node; null when it is not running or paused. */
function workerOf(node?: string): Guest['api'] | null {
  if (!guest || paused) return null;
  try {
    return clusterView.guestFor(node, guest).api;
  } catch {
    return null; // a node that is not running
  }
}
// servers in the machine under /preview/<port>/ (src/preview/): this page relays while it runs the machine
answerPreviews({ workerFor: workerOf });
const ports = new PortsPanel(document.querySelector('#ports')!, {
  exec: (command, timeoutMs, node) => workerOf(node)?.exec(command, timeoutMs, false) ?? null,
  otherNodes: () => clusterView.otherNodes,
});
document.querySelector<HTMLButtonElement>('#ports-button')!.onclick = () => {
  ports.toggle();
  terminals?.current()?.fit();
};
// labbox-edit FILE opens the editor pane (src/editor/); files go in and out through the agent
const editor = new EditorPane(document.querySelector('#editor')!, {
  exec: (node) => {
    const worker = workerOf(node);
    return worker && ((command, timeoutMs) => worker.exec(command, timeoutMs, true));
  },
  resized: () => terminals?.current()?.fit(),
});
const transfers: TransferHost = {
  worker: workerOf,
  notice: (message, warn) => status.notice(message, warn),
  progress: (message, done, total) => status.noticeProgress(message, done, total),
};
acceptDrops(document.body, transfers);
function guestAsks(request: GuestRequest, node?: string): void {
  if (request.kind === 'edit') void editor.open(request.path, node);
  else void download(transfers, request.path, node);
}
// a separate machine keeps its lab progress apart from the other tab's
const progressStore = new ProgressStore(isSeparateMachine ? createStore('labbox-progress-separate', 'labs') : undefined);
const checkpoints = isSeparateMachine
  ? undefined
  : new Checkpoints(store, {
      save: (name, checkpoint, replaces) => save('checkpoint', name, { checkpoint, replaces }),
      rewindTo: async (record) => {
        if (guest && !paused && (await guest.api.hasChanges()) && !(await saveNow())) {
          if (!confirm(t.ask.rewindUnsaved)) return;
        }
        restart({ snapshotId: record.id });
      },
    });
const labPanel = new LabPanel(document.querySelector('#lab')!, labHost, progressStore, checkpoints);
const labAuthor = new LabAuthor(document.querySelector('#lab')!, labHost, progressStore);
const labAside = document.querySelector<HTMLElement>('#lab')!;
document.querySelector<HTMLButtonElement>('#lab-button')!.onclick = () => {
  labAside.hidden = !labAside.hidden;
  terminals?.current()?.fit();
};
void showLabFromAddress(labPanel, labAuthor);
window.addEventListener('hashchange', () => void showLabFromAddress(labPanel, labAuthor));

const watchdog = new Watchdog({
  beat: async (timeoutMs) => {
    const r = await guest?.api.exec(MEMORY_IN_USE, timeoutMs, false);
    return r?.exitCode === 0 && r.stdout.trim() ? Number(r.stdout) : null;
  },
  answered: (used) => info && status.memoryUse(used, info.machine.memorySize),
  stopped: () => status.error(t.status.stoppedAnswering, [{ label: t.status.restartFromSave, run: () => void restartFromGoodSave() }]),
  answersAgain: () => {
    status.progress({ phase: 'ready', message: t.status.ready });
    status.notice(t.status.answersAgain);
  },
});

const autosave = new Autosave({
  saveChanges,
  // a guest that is not answering (a fork bomb, a shutdown) is not saved over the good save
  saveFull: () => (watchdog.healthy ? save('auto', t.saveNames.autosave) : Promise.resolve(null)),
  hasChanges: async () => !!guest && !paused && watchdog.healthy && ((await guest.api.hasChanges()) || (await clusterView.hasChanges())),
  // busy: the guest's load over the last minute is above one runnable process
  isBusy: async () => {
    const r = await guest?.api.exec('cat /proc/loadavg', 20_000, false);
    return !r || r.exitCode !== 0 || Number(r.stdout.split(' ')[0]) > 1;
  },
  lastInput: () => lastInputAt,
});

const clusterView = new ClusterView(document.querySelector('#cluster')!, {
  imageUrl,
  status,
  terminals: () => terminals,
  main: () => (guest && info ? { guest, info } : null),
  discard: discardSaved,
});

/** Deletes saved states (a cluster's nodes that no saved main machine points to). */
async function discardSaved(snapshotIds: string[]): Promise<void> {
  for (const id of snapshotIds) await store.remove(id);
}

const tabBar = document.querySelector<HTMLElement>('#tabs')!;
const panes = document.querySelector<HTMLElement>('#terminals')!;

/** No terminal without a machine. */
function clearTerminals(): void {
  tabBar.replaceChildren();
  panes.replaceChildren();
}

interface BootOptions {
  /** a saved machine to restore instead of the image's fresh one */
  snapshotId?: string;
  /** which of the image's machines starts fresh (GuestManifest.machines): a lab's `machine:` */
  machine?: string;
}

async function boot(options: BootOptions = {}): Promise<void> {
  const problem = browserProblem();
  if (problem) return status.error(problem);
  if (isWebKit()) {
    status.error(t.status.webkit);
    return;
  }
  if (!isSeparateMachine && !(await oneTab.tryTake())) return offerMachineFromOtherTab(t.oneTab.openElsewhere);
  clearTerminals();
  const tabs = new Terminals(tabBar, panes);
  tabs.prepare();
  try {
    const started = await startGuest({ imageUrl, ...options }, (p) => status.progress(p));
    guest = started.guest;
    info = started.info;
    terminals = tabs;
    terminals.onGuestRequest = guestAsks;
    terminals.connect(terminalHost(guest));
    const first = info.firstShell && [{ ...info.firstShell, title: t.terminals.shell(1) }];
    const saved = info.restored?.session.terminals ?? first ?? [];
    for (const terminal of saved) await terminals.open(terminal);
    if (saved.length === 0) await terminals.open();
    void publishStartMarks(info, terminals);
    if (info.restored) status.notice(t.status.restored(info.restored.name));
    const labs = info.restored?.session.labs;
    if (labs) {
      // the labs' progress goes back to what it was when this machine was saved
      await progressStore.replaceAll(labs).catch((error) => status.notice(t.status.labProgressNotRestored(errorText(error, t)), true));
      await labPanel.reload();
    }
    labPanel.machineReady(info.suite);
    const cluster = info.restored?.session.cluster;
    if (cluster) void clusterView.restore(cluster);
    document.body.dataset.ready = 'true';
    startServiceWorker();
    for (const b of machineButtons) b.disabled = false;
    startedAt = Date.now();
    watchdog.start();
    if (isSeparateMachine) status.notice(t.status.separateMachine);
    else autosave.start();
  } catch (error) {
    stop();
    clearTerminals();
    const message = errorText(error, t);
    if (options.snapshotId) {
      status.error(message, [
        { label: t.status.chooseAnother, run: () => void panel.show(message) },
        { label: t.status.startFresh, run: () => restart({}) },
      ]);
    } else status.error(message, [{ label: t.status.retry, run: () => void boot(options) }]);
  }
}

/**
 * The start's steps in ms since the page opened, on `body[data-start-marks]` for the benchmark:
 * the worker's (see StartMarks), then the first terminal's prompt on screen.
 */
async function publishStartMarks(started: GuestInfo, tabs: Terminals): Promise<void> {
  await tabs.current()?.firstOutput;
  const since = (epochMs: number) => Math.round(epochMs - performance.timeOrigin);
  const marks = Object.fromEntries(Object.entries(started.marks).map(([step, at]) => [step, since(at)]));
  document.body.dataset.startMarks = JSON.stringify({ ...marks, prompt: since(performance.timeOrigin + performance.now()) });
}

/** Saves the running machine; says in the status bar how it went (a failed save keeps the previous one). */
function save(kind: SnapshotKind, name: string, options: { checkpoint?: CheckpointInfo; replaces?: string } = {}): Promise<SnapshotRecord | null> {
  if (!guest || !terminals) return Promise.resolve(null);
  if (paused) {
    status.notice(t.status.resumeToSave, true);
    return Promise.resolve(null);
  }
  if (kind === 'auto' && pendingAutosave) return pendingAutosave;
  if (kind === 'auto' && isSeparateMachine) return save('named', t.saveNames.separate, { replaces: separateSave });
  const g = guest;
  const shells = terminals;
  const run = saveQueue.then(async () => {
    if (g !== guest) return null; // the machine was restarted while this save waited
    const inputsBefore = inputs;
    status.notice(kind === 'checkpoint' ? t.status.savingCheckpoint(name) : t.status.savingMachine);
    try {
      // one automatic slot: a new autosave replaces the previous one once it is safely written
      const replaces = kind === 'auto' ? (await store.list()).find((s) => s.kind === 'auto')?.id : options.replaces;
      const labs = await progressStore.all().catch(() => undefined);
      // a cluster's other nodes first: node1's record then points at their saved states
      const cluster = await clusterView.saveNodes(name);
      const session = { terminals: shells.saved(), labs, cluster };
      // the autosave of a single machine goes on as deltas of this one (see saveChanges)
      const extendLater = kind === 'auto' && !cluster;
      const record = await g.api.saveSnapshot({ name, kind, replaces, checkpoint: options.checkpoint, session, extendLater }).catch(async (error) => {
        await discardSaved(cluster?.flatMap((n) => n.snapshotId ?? []) ?? []).catch(() => {});
        throw error;
      });
      if (isSeparateMachine) separateSave = record.id;
      savedInputs = Math.max(savedInputs, inputsBefore);
      void requestPersistence();
      const use = await storageUse().catch(() => null);
      const low = use && use.quota - use.used < LOW_SPACE_BYTES;
      const what = kind === 'checkpoint' ? t.status.checkpointSaved(name) : t.status.saved;
      status.notice(low ? describeUse(use, t) : t.status.savedAt(what, clockTime(new Date()), record.storedSize), !!low);
      return record;
    } catch (error) {
      status.notice((kind === 'checkpoint' ? t.status.noCheckpoint : t.status.notSaved)(errorText(error, t)), true);
      return null;
    }
  });
  saveQueue = run;
  if (kind === 'auto') {
    pendingAutosave = run;
    void run.finally(() => (pendingAutosave = null));
  }
  return run;
}

/**
 * Saves what changed since the last save as a delta of it (a second or two): what the
 * autosave does every few seconds and when the tab goes. 'first' when there is no saved state
 * to extend yet, 'full' when only full saves are made (a cluster, a separate machine),
 * 'compact' when the chain of deltas is long enough for a full save to be worth it.
 */
function saveChanges(): Promise<ChangesAnswer> {
  if (!guest || !terminals || paused || isSeparateMachine || clusterView.running) return Promise.resolve('full');
  const g = guest;
  const shells = terminals;
  const run = saveQueue.then(async () => {
    if (g !== guest) return 'full' as const;
    const inputsBefore = inputs;
    const labs = await progressStore.all().catch(() => undefined);
    const saved = await g.api.saveChanges({ terminals: shells.saved(), labs });
    if ('fullSave' in saved) return saved.fullSave === 'first' ? ('first' as const) : ('compact' as const);
    savedInputs = Math.max(savedInputs, inputsBefore);
    status.notice(t.status.changesSavedAt(clockTime(new Date(), true)));
    // for the tests and the benchmark: what the last save of changes cost
    document.body.dataset.lastChangesSave = JSON.stringify({
      at: Date.now(),
      storedBytes: saved.storedBytes,
      changedPages: saved.changedPages,
      stateMs: Math.round(saved.stateMs),
      totalMs: Math.round(saved.totalMs),
    });
    return saved.compact ? ('compact' as const) : ('saved' as const);
  });
  saveQueue = run.catch(() => undefined);
  return run;
}

/** Saves the machine as it is now: what changed when there is a save to extend, else whole; false when it could not. */
async function saveNow(): Promise<boolean> {
  // a machine that is not answering is not saved over the good save
  if (guest && !paused && !watchdog.healthy) {
    status.notice(t.status.notSaved(t.status.notAnswering), true);
    return false;
  }
  const saved = await saveChanges().catch(() => 'full' as const);
  return saved === 'saved' || saved === 'compact' || (await save('auto', t.saveNames.autosave)) !== null;
}

/** HH:MM without Intl: the first toLocaleTimeString() loads locale data in one long task. */
function clockTime(d: Date, seconds = false): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}${seconds ? `:${two(d.getSeconds())}` : ''}`;
}

/**
 * A lab's machine (`machine:`), or the image's default one, fresh in place of the running one,
 * which is saved first (when the trainee did anything in it since its last save) and stays in
 * "Saved".
 */
async function openMachine(machine?: string): Promise<void> {
  if (unsaved() && paused) return status.notice(t.status.resumeToSave, true);
  if (unsaved() && !(await saveNow())) return status.notice(t.status.notSavedNotReplaced, true);
  restart({ machine });
}

function restart(options: BootOptions): void {
  stop();
  paused = false;
  pauseButton.textContent = t.header.pause;
  void boot(options);
}

function stop(): void {
  watchdog.stop();
  // a save under way on this machine never ends once its worker is gone: the next machine's saves do not wait for it
  saveQueue = Promise.resolve();
  pendingAutosave = null;
  clusterView.stop();
  labPanel.machineStopped();
  autosave.stop();
  guest?.terminate();
  guest = null;
  terminals = null;
  info = null;
  document.body.dataset.ready = 'false';
  for (const b of machineButtons) b.disabled = true;
  inputs = savedInputs = 0;
}

/**
 * After the watchdog's verdict: the machine's last save taken before it stopped answering
 * (SUSPECT_MS before its last answer: a save of its last seconds may hold what stopped it),
 * restored. The saves of changes taken since are dropped; an autosave that is itself one of
 * those last seconds is kept under another name, and a fresh machine starts. A machine
 * restored from a save and not saved since came back with what stopped it: the restart goes
 * back from that save's own time, so that restarting again never brings the same state back.
 */
async function restartFromGoodSave(): Promise<void> {
  const answeredAt = Date.now() - (performance.now() - watchdog.lastAnswerAt);
  const separate = separateSave;
  const restoredId = info?.restored?.id;
  const started = startedAt;
  stop();
  clearTerminals();
  let snapshotId: string | undefined;
  try {
    const saved = separate ? await store.get(separate) : (await store.list()).find((s) => s.kind === 'auto');
    const savedAt = saved ? Date.parse(saved.createdAt) : Infinity;
    const unsavedSinceRestore = saved !== undefined && saved.id === restoredId && savedAt < started;
    const since = (unsavedSinceRestore ? Math.min(answeredAt, savedAt) : answeredAt) - SUSPECT_MS;
    if (saved && saved.kind === 'auto') {
      const kept = await store.dropDeltasSince(saved.id, since);
      if (kept) snapshotId = kept.id;
      else await store.rename(saved.id, t.saveNames.notAnswering);
    } else if (saved && Date.parse(saved.createdAt) < since) snapshotId = saved.id;
  } catch (error) {
    status.notice(t.status.listError(errorText(error, t)), true);
  }
  paused = false;
  pauseButton.textContent = t.header.pause;
  await boot({ snapshotId });
}

async function setPaused(on: boolean): Promise<void> {
  if (!guest || paused === on) return;
  paused = on;
  // a paused guest does not answer: no heartbeat meanwhile
  if (paused) watchdog.stop();
  await (paused ? guest.api.pause() : guest.api.resume());
  if (!paused) watchdog.start();
  pauseButton.textContent = paused ? t.header.resume : t.header.pause;
  status.progress({ phase: paused ? 'paused' : 'ready', message: paused ? t.status.paused : t.status.ready });
}

pauseButton.onclick = () => void setPaused(!paused);

resetButton.onclick = () => {
  if (!confirm(t.ask.reset)) return;
  restart({});
};

// what changed since the last save when there is one to extend (a second or two), else a full save
saveButton.onclick = () => void saveNow();

window.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.code === 'F1') {
    e.preventDefault();
    help.toggle();
  } else if (terminals?.handleKey(e)) e.preventDefault();
  else if (e.ctrlKey && e.shiftKey && e.code === 'KeyF') {
    e.preventDefault();
    const term = terminals?.current();
    const text = term && prompt(t.ask.search);
    if (term && text) term.search.findNext(text);
  }
});

let serviceWorkerStarted = false;
/** After the first prompt, not before: installing it downloads the app shell again. */
function startServiceWorker(): void {
  if (serviceWorkerStarted) return;
  serviceWorkerStarted = true;
  registerServiceWorker({
    ask: (message, actions) => status.notice(message, false, actions),
    machineVersion: () => info?.machine.imageVersion ?? null,
    saveFirst: saveNow,
  });
}

new OfflineButton(document.querySelector('#offline-button')!, new URL(imageUrl, location.href), __GUEST_VERSION__, status);

/** Resumes the newest saved machine this site's image can restore, or starts a fresh one. */
async function startup(): Promise<void> {
  stop();
  const choice = await (takeEarlyChoice() ?? chooseMachine(store));
  if (choice.listError) status.notice(t.status.listError(choice.listError), true);
  await boot({ snapshotId: choice.snapshotId });
  if (choice.otherVersion) {
    status.notice(t.status.otherVersion(choice.otherVersion.name), true);
  }
}

/**
 * Another tab runs the machine: move it here (that tab saves it and stops) or open a separate
 * one. It opens here by itself once that tab lets go of it (closed, or moved here).
 */
function offerMachineFromOtherTab(message: string): void {
  status.error(t.oneTab.why(message), [
    { label: t.oneTab.moveHere, run: () => void moveMachineHere() },
    { label: t.oneTab.openSeparate, run: openSeparateMachine },
  ]);
  void oneTab.waitForMachine().then(() => void startup());
}

async function moveMachineHere(): Promise<void> {
  status.progress({ phase: 'loading', message: t.oneTab.handingOver });
  await oneTab.askHandOver().catch((error: unknown) => offerMachineFromOtherTab(errorText(error, t)));
}

function openSeparateMachine(): void {
  const url = new URL(location.href);
  url.searchParams.set('separate', '');
  location.assign(url);
}

// another tab asks for the machine: save it, stop, let go (a save that fails keeps it here)
oneTab.onHandOverAsked = async () => {
  await setPaused(false);
  if (guest && !(await saveNow())) return t.oneTab.notSavedThere;
  stop();
  clearTerminals();
  return null;
};
oneTab.onHandedOver = () => offerMachineFromOtherTab(t.oneTab.movedAway);

/** Whether leaving now would lose work: something typed or run since the last save. */
const unsaved = () => !!guest && inputs > savedInputs;
const typed = () => {
  ++inputs;
  lastInputAt = performance.now();
};
panes.addEventListener('keydown', typed, { capture: true });
panes.addEventListener('paste', typed, { capture: true });
// the browser's own "Leave site?" question while work is unsaved; a save starts meanwhile
window.addEventListener('beforeunload', (event) => {
  if (!unsaved()) return;
  event.preventDefault();
  event.returnValue = '';
  if (!isSeparateMachine) void autosave.tick(true);
});

void startup();
