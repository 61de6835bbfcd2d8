/** The page's handle on the emulator worker (comlink), with the checks a browser needs first. */
import * as Comlink from 'comlink';
import type { EmulatorApi, GuestInfo, Progress, StartOptions } from '../../workers/emulator.worker';
import type { TerminalHost } from '../terminal/terminal-tab';

export interface Guest {
  /** the worker's API (comlink proxy) */
  api: Comlink.Remote<EmulatorApi>;
  /** stops the emulator for good, whatever state it is in */
  terminate(): void;
}

/** Shells on this guest for the terminal tabs; each tab's port moves to the worker (transferred, not copied). */
export function terminalHost(guest: Guest): TerminalHost {
  return { openTerminal: (cols, rows, port, attachTo) => guest.api.openTerminal(cols, rows, Comlink.transfer(port, [port]), attachTo) };
}

/** Says, in words for the trainee, why this browser cannot run the guest; null when it can. */
export function browserProblem(): string | null {
  if (typeof WebAssembly !== 'object') return 'This browser has no WebAssembly, which the emulator needs. Use a recent Firefox, Chrome or Edge.';
  if (typeof Worker !== 'function') return 'This browser cannot run Web Workers, which the emulator needs.';
  return null;
}

/** WebKit (Safari and every iOS browser) caps a page's memory near the guest's 512 MB. */
export function isWebKit(): boolean {
  const ua = navigator.userAgent;
  return /AppleWebKit/.test(ua) && !/Chrome|Chromium|Edg|Firefox/.test(ua);
}

interface LoadingWorker {
  worker: Worker;
  /** rejects when the worker's script fails to load or throws */
  failed: Promise<never>;
}

function loadWorker(): LoadingWorker {
  const worker = new Worker(new URL('../../workers/emulator.worker.ts', import.meta.url), { type: 'module', name: 'labbox-emulator' });
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(`The emulator stopped: ${e.message || 'the worker failed to load'}.`)));
  });
  failed.catch(() => {}); // said by startGuest, once it uses this worker
  return { worker, failed };
}

let early: LoadingWorker | undefined;

/**
 * Starts loading the emulator worker before the page knows which machine it restores: its
 * script loads and v86's WebAssembly compiles meanwhile. The next startGuest takes it.
 */
export function loadWorkerEarly(): void {
  if (!browserProblem()) early ??= loadWorker();
}

export async function startGuest(options: StartOptions, onProgress: (p: Progress) => void): Promise<{ guest: Guest; info: GuestInfo }> {
  const { worker, failed } = early ?? loadWorker();
  early = undefined;
  const remote = Comlink.wrap<EmulatorApi>(worker);
  const guest: Guest = { api: remote, terminate: () => worker.terminate() };
  try {
    const info = await Promise.race([remote.start(options, Comlink.proxy(onProgress)), failed]);
    return { guest, info };
  } catch (error) {
    worker.terminate();
    throw error;
  }
}
