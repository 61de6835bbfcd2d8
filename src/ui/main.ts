/** The page shell (loaded by entry.ts): wires the page's parts (status bar, terminals, panels, lab pane, cluster bar) to the machine controller (machine-controller.ts), and starts the last saved machine or a fresh one. */
import { errorText } from '../i18n';
import { t } from '../i18n/page';
import { SnapshotStore } from '../storage/snapshot-store';
import type { GuestInfo } from '../../workers/emulator-contract';
import { Autosave } from './autosave';
import { MachineController } from './machine-controller';
import { Checkpoints } from './checkpoints';
import { OfflineButton } from './offline-button';
import { InspectorPanel, INSPECTOR_VIEWS, type InspectorView } from './inspector-panel';
import { registerServiceWorker } from '../offline/updates';
import { chooseMachine, imageUrl, isSeparateMachine, oneTab, takeEarlyChoice } from './first-machine';
import { createStore } from 'idb-keyval';
import { browserProblem, isWebKit, startGuest, terminalHost, type Guest } from './worker-client';
import { HelpOverlay } from './help';
import { LabAuthor } from './lab-author';
import { LabPanel, type LabHost } from './lab-panel';
import { showLabFromAddress } from './lab-source';
import { ProgressStore } from '../labs/progress';
import { SnapshotsPanel } from './snapshots-panel';
import { StatusBar } from './status-bar';
import { Terminals } from './terminals';
import { ClusterView } from './cluster-view';
import { MEMORY_IN_USE, Watchdog } from './watchdog';
import { answerPreviews } from '../preview/page';
import { PortsPanel } from '../preview/ports-panel';
import { EditorPane } from '../editor/editor-pane';
import type { GuestRequest } from '../files/guest-requests';
import { acceptDrops, download, type TransferHost } from '../files/transfer';

const status = new StatusBar(document.querySelector('#status')!);
const help = new HelpOverlay(document.body);
document.querySelector<HTMLButtonElement>('#help-button')!.onclick = () => help.toggle();

const store = new SnapshotStore();
const pauseButton = document.querySelector<HTMLButtonElement>('#pause-button')!;
const resetButton = document.querySelector<HTMLButtonElement>('#reset-button')!;
const saveButton = document.querySelector<HTMLButtonElement>('#save-button')!;
const machineButtons = [pauseButton, resetButton, saveButton];

const panel = new SnapshotsPanel(document.body, store, {
  machine: () => machine.info?.machine ?? null,
  restore: (record) => void machine.restart({ snapshotId: record.id }),
  fresh: () => void machine.restart({}),
  saveAs: (name) => machine.save('named', name),
});
document.querySelector<HTMLButtonElement>('#snapshots-button')!.onclick = () => void panel.show();

const labHost: LabHost = {
  exec: async (command, timeoutMs, node) => {
    if (!machine.guest) throw new Error(t.status.notRunningYet);
    return clusterView.guestFor(node, machine.guest).api.exec(command, timeoutMs, false);
  },
  type: (text, node) => {
    machine.input(false);
    void clusterView.type(text, node);
  },
  startCluster: (nodes) => void clusterView.start(nodes),
  startMachine: (kind) => machine.openMachine(kind),
  warn: (message) => status.notice(message, true),
  inspect: (view) => {
    if (INSPECTOR_VIEWS.includes(view as InspectorView)) inspector.show(view as InspectorView);
  },
};
const inspector = new InspectorPanel(document.querySelector('#inspector')!, {
  exec: (command, timeoutMs) => workerOf()?.exec(command, timeoutMs, false) ?? null,
});
const fitTerminal = () => machine.terminals?.current()?.fit();
document.querySelector<HTMLButtonElement>('#inspect-button')!.onclick = () => {
  inspector.toggle();
  fitTerminal();
};
/** The emulator worker of the running machine, or of a cluster node; null when it is not running or paused. */
function workerOf(node?: string): Guest['api'] | null {
  if (!machine.guest || machine.paused) return null;
  try {
    return clusterView.guestFor(node, machine.guest).api;
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
  fitTerminal();
};
// labbox-edit FILE opens the editor pane (src/editor/); files go in and out through the agent
const editor = new EditorPane(document.querySelector('#editor')!, {
  exec: (node) => {
    const worker = workerOf(node);
    return worker && ((command, timeoutMs) => worker.exec(command, timeoutMs, true));
  },
  resized: fitTerminal,
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
      save: (name, checkpoint, replaces) => machine.save('checkpoint', name, { checkpoint, replaces }),
      rewindTo: async (record) => {
        const worker = workerOf();
        if (worker && (await worker.hasChanges()) && !(await machine.saveNow())) {
          if (!confirm(t.ask.rewindUnsaved)) return;
        }
        void machine.restart({ snapshotId: record.id });
      },
    });
const labPanel = new LabPanel(document.querySelector('#lab')!, labHost, progressStore, checkpoints);
const labAuthor = new LabAuthor(document.querySelector('#lab')!, labHost, progressStore);
const labAside = document.querySelector<HTMLElement>('#lab')!;
document.querySelector<HTMLButtonElement>('#lab-button')!.onclick = () => {
  labAside.hidden = !labAside.hidden;
  fitTerminal();
};
void showLabFromAddress(labPanel, labAuthor);
window.addEventListener('hashchange', () => void showLabFromAddress(labPanel, labAuthor));

const watchdog = new Watchdog({
  beat: async (timeoutMs) => {
    const r = await machine.guest?.api.exec(MEMORY_IN_USE, timeoutMs, false);
    return r?.exitCode === 0 && r.stdout.trim() ? Number(r.stdout) : null;
  },
  answered: (used) => machine.info && status.memoryUse(used, machine.info.machine.memorySize),
  stopped: () => status.error(t.status.stoppedAnswering, [{ label: t.status.restartFromSave, run: () => void machine.restartFromGoodSave() }]),
  answersAgain: () => {
    status.progress({ phase: 'ready', message: t.status.ready });
    status.notice(t.status.answersAgain);
  },
});

const autosave = new Autosave({
  saveChanges: () => machine.saveChanges(),
  saveFull: () => machine.saveFull(),
  hasChanges: () => machine.hasChanges(),
  // busy: the guest's load over the last minute is above one runnable process
  isBusy: async () => {
    const r = await machine.guest?.api.exec('cat /proc/loadavg', 20_000, false);
    return !r || r.exitCode !== 0 || Number(r.stdout.split(' ')[0]) > 1;
  },
  lastInput: () => machine.lastInputAt,
});

const clusterView = new ClusterView(document.querySelector('#cluster')!, {
  imageUrl,
  status,
  terminals: () => machine.terminals,
  main: () => (machine.guest && machine.info ? { guest: machine.guest, info: machine.info } : null),
  discard: (ids) => machine.discardSaved(ids),
});

const tabBar = document.querySelector<HTMLElement>('#tabs')!;
const panes = document.querySelector<HTMLElement>('#terminals')!;

/** No terminal without a machine. */
function clearTerminals(): void {
  tabBar.replaceChildren();
  panes.replaceChildren();
}

const machine: MachineController<Terminals> = new MachineController<Terminals>({
  status,
  store,
  progress: progressStore,
  labs: labPanel,
  cluster: clusterView,
  watchdog,
  autosave,
  startGuest: (options, onProgress) => startGuest({ imageUrl, ...options }, onProgress),
  mayStart: async () => {
    const problem = browserProblem() ?? (isWebKit() ? t.status.webkit : null);
    if (problem) status.error(problem);
    else if (!isSeparateMachine && !(await oneTab.tryTake())) offerMachineFromOtherTab(t.oneTab.openElsewhere);
    else return true;
    return false;
  },
  layOutTerminals: () => {
    clearTerminals();
    const tabs = new Terminals(tabBar, panes);
    tabs.prepare();
    return tabs;
  },
  connect: (tabs, guest) => {
    tabs.onGuestRequest = guestAsks;
    tabs.connect(terminalHost(guest));
  },
  clearTerminals,
  ready: (info, tabs) => {
    void publishStartMarks(info, tabs);
    document.body.dataset.ready = 'true';
    startServiceWorker();
    for (const b of machineButtons) b.disabled = false;
  },
  stopped: () => {
    document.body.dataset.ready = 'false';
    for (const b of machineButtons) b.disabled = true;
    pauseButton.textContent = t.header.pause;
  },
  chooseAnother: (why) => void panel.show(why),
  // for the tests and the benchmark: what the last save of changes cost
  changesSaved: (saved) => (document.body.dataset.lastChangesSave = JSON.stringify(saved)),
  separate: isSeparateMachine,
  monotonic: () => performance.now(),
  now: () => Date.now(),
});

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

pauseButton.onclick = async () => {
  await machine.setPaused(!machine.paused);
  pauseButton.textContent = machine.paused ? t.header.resume : t.header.pause;
};

resetButton.onclick = () => {
  if (!confirm(t.ask.reset)) return;
  void machine.restart({});
};

// what changed since the last save when there is one to extend (a second or two), else a full save
saveButton.onclick = () => void machine.saveNow();

window.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.code === 'F1') {
    e.preventDefault();
    help.toggle();
  } else if (machine.terminals?.handleKey(e)) e.preventDefault();
  else if (e.ctrlKey && e.shiftKey && e.code === 'KeyF') {
    e.preventDefault();
    const term = machine.terminals?.current();
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
    machineVersion: () => machine.info?.machine.imageVersion ?? null,
    saveFirst: () => machine.saveNow(),
  });
}

new OfflineButton(document.querySelector('#offline-button')!, new URL(imageUrl, location.href), __GUEST_VERSION__, status);

/** Resumes the newest saved machine this site's image can restore, or starts a fresh one. */
async function startup(): Promise<void> {
  machine.stop();
  const choice = await (takeEarlyChoice() ?? chooseMachine(store));
  if (choice.listError) status.notice(t.status.listError(choice.listError), true);
  await machine.boot({ snapshotId: choice.snapshotId });
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
oneTab.onHandOverAsked = () => machine.handOver();
oneTab.onHandedOver = () => offerMachineFromOtherTab(t.oneTab.movedAway);

const typed = () => machine.input();
panes.addEventListener('keydown', typed, { capture: true });
panes.addEventListener('paste', typed, { capture: true });
// the browser's own "Leave site?" question while work is unsaved; a save starts meanwhile
window.addEventListener('beforeunload', (event) => {
  if (!machine.unsaved) return;
  event.preventDefault();
  event.returnValue = '';
  if (!isSeparateMachine) void autosave.tick(true);
});

void startup();
