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

export interface AutosaveHost {
  /** saves what changed as a delta; 'full' when only a full save can be made, 'compact' when one would help */
  saveChanges(): Promise<'saved' | 'compact' | 'full'>;
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
      if (saved !== 'saved' && this.fullSave === undefined) this.saveFullWhenQuiet(BUSY_RETRIES);
    } finally {
      this.saving = false;
    }
  }

  private saveFullWhenQuiet(retries: number): void {
    const due = retries === BUSY_RETRIES ? Math.max(0, this.lastFullSave + FULL_SAVE_INTERVAL_MS - this.now()) : BUSY_RETRY_MS;
    this.fullSave = setTimeout(async () => {
      if (retries > 0 && (await this.host.isBusy().catch(() => false))) return this.saveFullWhenQuiet(retries - 1);
      this.saving = true;
      try {
        await this.host.saveFull();
      } finally {
        this.lastFullSave = this.now();
        this.saving = false;
        this.fullSave = undefined;
      }
    }, due);
  }
}
