/**
 * Saves the machine while the trainee works, so that closing the tab, a browser crash or a
 * flat battery loses seconds of work, not minutes.
 *
 * Every few seconds, once the trainee has stopped typing for a moment, what changed since the
 * last save is saved as a delta of it (about a second, a few MiB: see state-delta.ts); the
 * same happens at once when the tab is hidden or closed. A full save, which takes the guest's
 * CPU for tens of seconds, comes first on a machine with nothing to extend, and again when the
 * chain of deltas is long; it waits for a quiet guest.
 */
export const QUICK_SAVE_MS = 3_000;
/** keys typed this recently mean the trainee is typing: the save waits for the pause */
export const TYPING_PAUSE_MS = 1_500;
/**
 * A full save takes the guest's CPU for tens of seconds, and a command running then can miss a
 * deadline of its own (`docker swarm init` gives its first update 5 s): it waits for a quiet
 * moment, up to this many retries 30 s apart, then saves anyway.
 */
const BUSY_RETRIES = 4;
const BUSY_RETRY_MS = 30_000;
/** full saves come at most this often (a cluster's, which has no deltas, and a chain's compaction) */
export const FULL_SAVE_INTERVAL_MS = 3 * 60_000;

/**
 * What a save of changes did: 'saved' a delta; 'compact' saved one, and a full save would
 * shorten the chain; 'first': nothing saved yet to extend, a full save is needed now; 'full':
 * this machine is only ever saved whole (a cluster).
 */
export type ChangesAnswer = 'saved' | 'compact' | 'first' | 'full';

export interface AutosaveHost {
  /** saves what changed as a delta (see ChangesAnswer) */
  saveChanges(): Promise<ChangesAnswer>;
  saveFull(): Promise<unknown>;
  hasChanges(): Promise<boolean>;
  /** the guest is busy (a full save would slow what runs) */
  isBusy(): Promise<boolean>;
  /** when the trainee last typed (ms, the clock of `now`) */
  lastInput(): number;
}

export class Autosave {
  private timer: ReturnType<typeof setInterval> | undefined;
  private fullSave: ReturnType<typeof setTimeout> | undefined;
  private lastFullSave = -Infinity;
  private saving = false;
  private readonly onHidden = (event: Event) => {
    if (event.type === 'pagehide' || document.visibilityState === 'hidden') void this.tick(true);
  };

  constructor(
    private readonly host: AutosaveHost,
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = QUICK_SAVE_MS,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.tick(false), this.intervalMs);
    document.addEventListener('visibilitychange', this.onHidden);
    window.addEventListener('pagehide', this.onHidden);
  }

  stop(): void {
    // a save still waiting on a machine that stopped (its worker gone) must not hold the next one's
    this.saving = false;
    clearInterval(this.timer);
    clearTimeout(this.fullSave);
    this.fullSave = undefined;
    document.removeEventListener('visibilitychange', this.onHidden);
    window.removeEventListener('pagehide', this.onHidden);
  }

  /** Saves what changed, unless the trainee is typing (`leaving`: the tab goes, save now). */
  async tick(leaving: boolean): Promise<void> {
    if (this.saving) return;
    if (!leaving && this.now() - this.host.lastInput() < TYPING_PAUSE_MS) return;
    this.saving = true;
    try {
      if (!(await this.host.hasChanges().catch(() => false))) return;
      const saved = await this.host.saveChanges().catch(() => 'full' as const);
      if (saved === 'saved' || this.fullSave !== undefined) return;
      // the first save keeps what was not saved at all: at once, without waiting for a quiet guest
      const due = Math.max(0, this.lastFullSave + FULL_SAVE_INTERVAL_MS - this.now());
      if (saved === 'first' && this.lastFullSave === -Infinity) this.saveFullWhenQuiet(0, 0);
      else this.saveFullWhenQuiet(BUSY_RETRIES, due);
    } finally {
      this.saving = false;
    }
  }

  /** A full save in `delayMs`, then `retries` more 30 s apart while the guest is busy. */
  private saveFullWhenQuiet(retries: number, delayMs: number): void {
    this.fullSave = setTimeout(async () => {
      if (retries > 0 && (await this.host.isBusy().catch(() => false))) return this.saveFullWhenQuiet(retries - 1, BUSY_RETRY_MS);
      this.saving = true;
      try {
        await this.host.saveFull();
      } finally {
        this.lastFullSave = this.now();
        this.saving = false;
        this.fullSave = undefined;
      }
    }, delayMs);
  }
}
