/** The page's handle on the emulator worker (comlink), with the checks a browser needs first. */
import * as Comlink from 'comlink';
import type { EmulatorContract, GuestInfo, Progress, StartOptions } from '../../workers/emulator-contract';
import type { SnapshotReaderApi } from '../../workers/snapshot-reader.worker';
import type { TerminalHost } from '../terminal/terminal-tab';
import { lang, t } from '../i18n/page';

export interface Guest {
  /** the worker's API (comlink proxy) */
  api: Comlink.Remote<EmulatorContract>;
  /** stops the emulator for good, whatever state it is in */
  terminate(): void;
}

/** Shells on this guest for the terminal tabs; each tab's port moves to the worker (transferred, not copied). */
export function terminalHost(guest: Guest): TerminalHost {
  return { openTerminal: (cols, rows, port, attachTo) => guest.api.openTerminal(cols, rows, Comlink.transfer(port, [port]), attachTo) };
}

/** Says, in words for the trainee, why this browser cannot run the guest; null when it can. */
export function browserProblem(): string | null {
  if (typeof WebAssembly !== 'object') return t.machine.noWebAssembly;
  if (typeof Worker !== 'function') return t.machine.noWorkers;
  return null;
}

/** WebKit (Safari and every iOS browser) caps a page's memory near the guest's 512 MB. */
export function isWebKit(): boolean {
  const ua = navigator.userAgent;
  return /AppleWebKit/.test(ua) && !/Chrome|Chromium|Edg|Firefox/.test(ua);
}

interface LoadingWorker {
  worker: Worker;
  api: Comlink.Remote<EmulatorContract>;
  /** rejects when the worker's script fails to load or throws */
  failed: Promise<never>;
  /** a start asked for before the page shell had loaded (see loadWorkerEarly) */
  start?: Start;
}

interface Start {
  options: StartOptions;
  info: Promise<GuestInfo>;
  /** settles once the worker has begun it (its first progress) or it failed */
  begun: Promise<void>;
  /** where its progress goes, once the page shell listens */
  listen(onProgress: (p: Progress) => void): void;
}

function loadWorker(): LoadingWorker {
  const worker = new Worker(new URL('../../workers/emulator.worker.ts', import.meta.url), { type: 'module', name: 'labbox-emulator' });
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(t.machine.workerStopped(e.message || t.machine.workerFailed))));
  });
  failed.catch(() => {}); // said by startGuest, once it uses this worker
  return { worker, api: Comlink.wrap<EmulatorContract>(worker), failed };
}

/** Starts `options`' machine in `loading`'s worker; its progress is kept until someone listens. */
function beginStart(loading: LoadingWorker, options: StartOptions): Start {
  let last: Progress | undefined;
  let listener: ((p: Progress) => void) | undefined;
  let begin = () => {};
  const begun = new Promise<void>((resolve) => (begin = resolve));
  const onProgress = (p: Progress) => {
    last = p;
    begin();
    listener?.(p);
  };
  const info = Promise.race([loading.api.start(options, Comlink.proxy(onProgress)), loading.failed]);
  info.then(begin, begin); // a failure is said by startGuest, which awaits it
  return {
    options,
    info,
    begun,
    listen: (onProgress) => {
      listener = onProgress;
      if (last) onProgress(last);
    },
  };
}

let early: Promise<LoadingWorker> | undefined;

/**
 * Starts loading the emulator worker before the page shell has loaded: its script loads and
 * v86's WebAssembly compiles meanwhile, and the site's cached snapshot is read beside it (see
 * snapshot-reader.worker.ts). Once the machine the page opens is known (`machine`), it starts
 * restoring it, and resolves when the worker has begun: a message to a worker that is still
 * loading waits for the page's thread to be free to forward it, so the page loads its heavy
 * shell only after that (measured: otherwise the start arrives 150-260 ms after the worker is
 * ready). The next startGuest takes this worker, and that start when it asks for the same machine.
 */
export async function loadWorkerEarly(imageUrl: string, machine: Promise<{ snapshotId?: string }>): Promise<void> {
  if (browserProblem() || early) return;
  const loading = loadWorker();
  const channel = new MessageChannel();
  const reader = readCachedSnapshot(imageUrl, channel.port1);
  const started = machine.then(({ snapshotId }) => {
    if (snapshotId) {
      reader.cancel();
      channel.port2.close();
      return { ...loading, start: beginStart(loading, { imageUrl, snapshotId, lang }) };
    }
    // comlink transfers what is marked on an argument itself: the options, with their port
    const options = Comlink.transfer({ imageUrl, cachedState: channel.port2, lang }, [channel.port2]);
    return { ...loading, start: beginStart(loading, options) };
  });
  early = started;
  await (
    await started
  ).start.begun;
}

/**
 * Streams the site's cached snapshot from a thread of its own (see snapshot-reader.worker.ts)
 * into `port`, for the emulator worker; it begins at once, before the page knows which
 * machine it opens. A reader that fails says nothing: the emulator worker then reads the
 * cache itself (workers/cached-snapshot.ts).
 */
function readCachedSnapshot(imageUrl: string, port: MessagePort): { cancel(): void } {
  const worker = new Worker(new URL('../../workers/snapshot-reader.worker.ts', import.meta.url), { type: 'module', name: 'labbox-snapshot-reader' });
  const base = new URL(imageUrl.endsWith('/') ? imageUrl : `${imageUrl}/`, location.href).href;
  const end = () => worker.terminate();
  worker.addEventListener('error', end);
  void Comlink.wrap<SnapshotReaderApi>(worker)
    .stream(base, Comlink.transfer(port, [port]))
    .catch(() => undefined)
    .finally(end);
  return { cancel: end };
}

const sameMachine = (a: StartOptions, b: StartOptions) => a.imageUrl === b.imageUrl && a.snapshotId === b.snapshotId;

export async function startGuest(options: StartOptions, onProgress: (p: Progress) => void): Promise<{ guest: Guest; info: GuestInfo }> {
  let loading = early ? await early : loadWorker();
  early = undefined;
  if (loading.start && !sameMachine(loading.start.options, options)) {
    // the page asked for another machine than the one being restored: start over
    loading.worker.terminate();
    loading = loadWorker();
  }
  const { worker, api } = loading;
  const guest: Guest = { api, terminate: () => worker.terminate() };
  try {
    const start = loading.start ?? beginStart(loading, { ...options, lang });
    start.listen(onProgress);
    return { guest, info: await start.info };
  } catch (error) {
    worker.terminate();
    throw error;
  }
}
