/**
 * Saves the machine on a timer while the trainee works, and when the tab is hidden or closed
 * (a browser may stop a hidden tab at any time; the previous save stays intact if it does).
 */
export const AUTOSAVE_INTERVAL_MS = 3 * 60_000;
/**
 * A save takes the guest's CPU for tens of seconds, and a command running then can miss a
 * deadline of its own (`docker swarm init` gives its first update 5 s): a timed save waits
 * for a quiet moment, up to this many retries 30 s apart, then saves anyway.
 */
const BUSY_RETRIES = 4;
const BUSY_RETRY_MS = 30_000;

export class Autosave {
  private timer: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly onHidden = (event: Event) => {
    if (event.type === 'pagehide' || document.visibilityState === 'hidden') void this.saveIfChanged();
  };

  constructor(
    private readonly save: () => Promise<unknown>,
    private readonly hasChanges: () => Promise<boolean>,
    private readonly isBusy: () => Promise<boolean> = async () => false,
    private readonly intervalMs = AUTOSAVE_INTERVAL_MS,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.saveWhenQuiet(BUSY_RETRIES), this.intervalMs);
    document.addEventListener('visibilitychange', this.onHidden);
    window.addEventListener('pagehide', this.onHidden);
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.retry);
    document.removeEventListener('visibilitychange', this.onHidden);
    window.removeEventListener('pagehide', this.onHidden);
  }

  private async saveWhenQuiet(retries: number): Promise<void> {
    clearTimeout(this.retry);
    if (retries > 0 && (await this.isBusy().catch(() => false))) {
      this.retry = setTimeout(() => void this.saveWhenQuiet(retries - 1), BUSY_RETRY_MS);
      return;
    }
    await this.saveIfChanged();
  }

  private async saveIfChanged(): Promise<void> {
    if (await this.hasChanges().catch(() => false)) await this.save();
  }
}
