/**
 * The emulator worker's API as the page sees it: what the page may call (through comlink)
 * and the shapes that cross the worker's boundary. The worker implements it
 * (emulator.worker.ts); the page imports this module, never the worker's code.
 */
import type { ExecResult } from '../src/vm/agent-client';
import type { FirstShell } from '../src/vm/manifest';
import type { MachineIdentity, SessionInfo, SnapshotKind, SnapshotRecord, CheckpointInfo } from '../src/storage/snapshot-store';
import type { Language } from '../src/i18n';
import type { StreamMessage } from '../src/preview/messages';

export type { StreamMessage };

export type GuestPhase = 'loading' | 'booting' | 'ready' | 'paused' | 'stopped' | 'waiting-for-disk';

export interface Progress {
  phase: GuestPhase;
  /** what is being done, for the status bar, in the language the start asked for */
  message: string;
  loaded?: number;
  total?: number;
}

export interface StartOptions {
  /** URL of the folder holding manifest.json */
  imageUrl: string;
  /** restore this saved machine (IndexedDB) instead of the image's pristine snapshot */
  snapshotId?: string;
  /** without snapshotId: which of the image's machines to start (GuestManifest.machines); the default one when absent */
  machine?: string;
  /** where the page's snapshot reader streams the cached snapshot (workers/cached-snapshot.ts) */
  cachedState?: MessagePort;
  /** the page's language: progress and errors are said in it (default English) */
  lang?: Language;
}

export interface GuestInfo {
  machine: MachineIdentity;
  suite: string;
  /** the saved machine restored, with the terminals to reattach */
  restored?: { id: string; name: string; session: SessionInfo };
  /** a fresh machine's shell, already at its prompt, for the first terminal to take over */
  firstShell?: FirstShell;
  /** when each step of the start ended (epoch ms, see StartMarks): the benchmark's breakdown */
  marks: StartMarks;
}

/**
 * Steps of a start, each stamped when it ended, in epoch milliseconds (timeOrigin + now);
 * `stream-began`: a restore began on the part of the snapshot that had arrived, the rest
 * arriving during the restore.
 */
export type StartMarks = Partial<Record<'called' | 'manifest' | 'stream-began' | 'state-read' | 'state-checked' | 'emulator-started' | 'agent-ready', number>>;

export interface SaveRequest {
  name: string;
  kind: SnapshotKind;
  /** an older snapshot this one replaces (the autosave slot, a step's previous checkpoint) */
  replaces?: string;
  /** what the page keeps with the machine: its terminals and the labs' progress */
  session: Omit<SessionInfo, 'nextChannel'>;
  checkpoint?: CheckpointInfo;
  /** the machine's later saves go on as deltas of this one (the autosave slot) */
  extendLater?: boolean;
}

/** A save of what changed since the machine's last save (see saveChanges). */
export interface ChangesSaved {
  record: SnapshotRecord;
  /** bytes written (compressed) and pages changed */
  storedBytes: number;
  changedPages: number;
  /** the emulator's time for it: the guest stands still meanwhile */
  stateMs: number;
  totalMs: number;
  /** the chain of deltas is long: a full save at a quiet moment would make restores quicker */
  compact: boolean;
}

/**
 * Why a save of changes could not be made: nothing saved yet to extend ('first': a full save
 * now, without the reclaim step, is what keeps the trainee's first work), or the chain is at
 * its end ('compact').
 */
export interface FullSaveNeeded {
  fullSave: 'first' | 'compact';
}

export interface EmulatorContract {
  /** restores a machine (the image's snapshot, or a saved one) and runs it */
  start(options: StartOptions, onProgress: (p: Progress) => void): Promise<GuestInfo>;
  /** runs a command for the page (checks, the status bar); it may change the machine */
  exec(command: string, timeoutMs?: number, changesMachine?: boolean): Promise<ExecResult>;
  /**
   * runs a command whose output is bytes (a server's answer, a file to download): its pieces
   * go to `port` as they arrive (StreamMessage); any message on the port stops it
   */
  execStream(command: string, port: MessagePort, timeoutMs?: number, changesMachine?: boolean): void;
  /** opens a login shell, or takes over a restored one (`attachTo`); its bytes flow through `port` */
  openTerminal(cols: number, rows: number, port: MessagePort, attachTo?: number): number;
  /** plugs the guest's network card into the page's switch */
  attachNetwork(port: MessagePort): void;
  hasChanges(): boolean;
  saveSnapshot(request: SaveRequest): Promise<SnapshotRecord>;
  saveChanges(session: Omit<SessionInfo, 'nextChannel'>): Promise<ChangesSaved | FullSaveNeeded>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  saveState(): Promise<ArrayBuffer>;
  destroy(): Promise<void>;
}
