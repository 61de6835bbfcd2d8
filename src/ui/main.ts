/** The page shell: start the guest (the last saved machine, or a fresh one), show progress, open the terminals. */
import * as Comlink from 'comlink';
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { describeUse, LOW_SPACE_BYTES, requestPersistence, storageUse } from '../storage/quota';
import { SnapshotStore, type SnapshotKind, type SnapshotRecord } from '../storage/snapshot-store';
import type { GuestInfo } from '../../workers/emulator.worker';
import { Autosave } from './autosave';
import { browserProblem, isWebKit, startGuest, type Guest } from './guest';
import { HelpOverlay } from './help';
import { LabAuthor } from './lab-author';
import { LabPanel, type LabHost } from './lab-panel';
import { showLabFromAddress } from './lab-source';
import { ProgressStore } from '../labs/progress';
import { SnapshotsPanel } from './snapshots-panel';
import { StatusBar } from './status-bar';
import { Terminals } from './terminals';

const status = new StatusBar(document.querySelector('#status')!);
const help = new HelpOverlay(document.body);
document.querySelector<HTMLButtonElement>('#help-button')!.onclick = () => help.toggle();

/** Where the guest image is served; `?image=` lets an instructor point at another build. */
const imageUrl = new URLSearchParams(location.search).get('image') ?? `${import.meta.env.BASE_URL}guest/`;

const store = new SnapshotStore();
let guest: Guest | null = null;
let info: GuestInfo | null = null;
let terminals: Terminals | null = null;
let memoryTimer: ReturnType<typeof setInterval> | undefined;
let missedPolls = 0;
let paused = false;
let saving: Promise<SnapshotRecord | null> | null = null;
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
  exec: async (command, timeoutMs) => {
    if (!guest) throw new Error('The machine is not running yet.');
    return guest.api.exec(command, timeoutMs, false);
  },
  type: (text) => {
    const term = terminals?.current();
    term?.type(text);
    term?.focus();
  },
};
const progressStore = new ProgressStore();
const labPanel = new LabPanel(document.querySelector('#lab')!, labHost, progressStore);
const labAuthor = new LabAuthor(document.querySelector('#lab')!, labHost, progressStore);
const labAside = document.querySelector<HTMLElement>('#lab')!;
document.querySelector<HTMLButtonElement>('#lab-button')!.onclick = () => {
  labAside.hidden = !labAside.hidden;
  terminals?.current()?.fit();
};
void showLabFromAddress(labPanel, labAuthor);
window.addEventListener('hashchange', () => void showLabFromAddress(labPanel, labAuthor));

const autosave = new Autosave(
  () => save('auto', 'Autosave'),
  async () => !!guest && !paused && (await guest.api.hasChanges()),
);

interface BootOptions {
  cold?: boolean;
  /** a saved machine to restore instead of the image's fresh one */
  snapshotId?: string;
}

async function boot(options: BootOptions = {}): Promise<void> {
  const problem = browserProblem();
  if (problem) return status.error(problem);
  if (isWebKit()) {
    status.error('Safari and iOS browsers limit a page to about 256 MB, less than this machine needs (512 MB). Please use Firefox, Chrome or Edge on a computer.');
    return;
  }
  try {
    const started = await startGuest({ imageUrl, ...options }, (p) => status.progress(p));
    guest = started.guest;
    info = started.info;
    const g = guest;
    document.querySelector('#tabs')!.replaceChildren();
    document.querySelector('#terminals')!.replaceChildren();
    terminals = new Terminals(document.querySelector('#tabs')!, document.querySelector('#terminals')!, {
      // the port moves to the worker (transferred, not copied)
      openTerminal: (cols, rows, port, attachTo) => g.api.openTerminal(cols, rows, Comlink.transfer(port, [port]), attachTo),
    });
    const saved = info.restored?.session.terminals ?? [];
    for (const terminal of saved) await terminals.open(terminal);
    if (saved.length === 0) await terminals.open();
    if (info.restored) status.notice(`Restored "${info.restored.name}"`);
    document.body.dataset.ready = 'true';
    for (const b of machineButtons) b.disabled = false;
    missedPolls = 0;
    const memorySize = info.machine.memorySize;
    memoryTimer = setInterval(() => void poll(memorySize), 5000);
    autosave.start();
  } catch (error) {
    stop();
    const message = error instanceof Error ? error.message : String(error);
    if (options.snapshotId) {
      status.error(message, [
        { label: 'Choose another snapshot', run: () => void panel.show(message) },
        { label: 'Start a fresh machine', run: () => restart({}) },
      ]);
    } else status.error(message, [{ label: 'Retry', run: () => void boot(options) }]);
  }
}

/** Saves the running machine; says in the status bar how it went (a failed save keeps the previous one). */
function save(kind: SnapshotKind, name: string): Promise<SnapshotRecord | null> {
  if (!guest || !terminals) return Promise.resolve(null);
  if (paused) {
    status.notice('Resume the machine to save it.', true);
    return Promise.resolve(null);
  }
  const g = guest;
  const t = terminals;
  saving ??= (async () => {
    status.notice('Saving the machine…');
    try {
      // one automatic slot: a new autosave replaces the previous one once it is safely written
      const replaces = kind === 'auto' ? (await store.list()).find((s) => s.kind === 'auto')?.id : undefined;
      const record = await g.api.saveSnapshot({ name, kind, replaces, terminals: t.saved() });
      void requestPersistence();
      const use = await storageUse().catch(() => null);
      const low = use && use.quota - use.used < LOW_SPACE_BYTES;
      status.notice(low ? describeUse(use) : `Saved at ${clockTime(new Date())} (${(record.storedSize / 2 ** 20).toFixed(0)} MB)`, !!low);
      return record;
    } catch (error) {
      status.notice(`Not saved: ${error instanceof Error ? error.message : String(error)}`, true);
      return null;
    } finally {
      saving = null;
    }
  })();
  return saving;
}

/** HH:MM without Intl: the first toLocaleTimeString() loads locale data in one long task. */
function clockTime(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function restart(options: BootOptions): void {
  stop();
  paused = false;
  pauseButton.textContent = 'Pause';
  void boot(options);
}

function stop(): void {
  clearInterval(memoryTimer);
  autosave.stop();
  guest?.terminate();
  guest = null;
  terminals = null;
  info = null;
  document.body.dataset.ready = 'false';
  for (const b of machineButtons) b.disabled = true;
}

/** Guest memory for the status bar; also the heartbeat that notices a guest gone silent. */
async function poll(total: number): Promise<void> {
  if (paused || !guest) return;
  const r = await guest.api.exec("awk '/MemTotal/{t=$2} /MemAvailable/{a=$2} END{print (t-a)*1024}' /proc/meminfo", 20_000, false).catch(() => null);
  if (r?.exitCode === 0) {
    missedPolls = 0;
    status.memoryUse(Number(r.stdout), total);
  } else if (++missedPolls >= 3) {
    clearInterval(memoryTimer);
    status.error('The machine stopped answering. Restart it from your last save (work since then is lost) or wait and reload.', [
      { label: 'Restart', run: () => void startup() },
    ]);
  }
}

pauseButton.onclick = async () => {
  if (!guest) return;
  paused = !paused;
  await (paused ? guest.api.pause() : guest.api.resume());
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  status.progress({ phase: paused ? 'paused' : 'ready', message: paused ? 'Paused' : 'Ready' });
};

resetButton.onclick = () => {
  if (!confirm('Start again from a fresh machine? What you did since your last save is lost (saved machines stay in "Saved").')) return;
  restart({});
};

saveButton.onclick = () => void save('auto', 'Autosave');

window.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.code === 'F1') {
    e.preventDefault();
    help.toggle();
  } else if (terminals?.handleKey(e)) e.preventDefault();
  else if (e.ctrlKey && e.shiftKey && e.code === 'KeyF') {
    e.preventDefault();
    const term = terminals?.current();
    const text = term && prompt('Search the terminal for:');
    if (term && text) term.search.findNext(text);
  }
});

/** Resumes the newest saved machine, or starts a fresh one. */
async function startup(): Promise<void> {
  stop();
  const latest = (await store.list().catch(() => []))[0];
  await boot(latest ? { snapshotId: latest.id } : {});
}

void startup();
