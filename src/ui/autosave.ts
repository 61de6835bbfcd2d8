/**
 * Saves the machine on a timer while the trainee works, and when the tab is hidden or closed
 * (a browser may stop a hidden tab at any time; the previous save stays intact if it does).
 */
export const AUTOSAVE_INTERVAL_MS = 3 * 60_000;

export class Autosave {
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly onHidden = (event: Event) => {
    if (event.type === 'pagehide' || document.visibilityState === 'hidden') void this.saveIfChanged();
  };

  constructor(
    private readonly save: () => Promise<unknown>,
    private readonly hasChanges: () => Promise<boolean>,
    private readonly intervalMs = AUTOSAVE_INTERVAL_MS,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.saveIfChanged(), this.intervalMs);
    document.addEventListener('visibilitychange', this.onHidden);
    window.addEventListener('pagehide', this.onHidden);
  }

  stop(): void {
    clearInterval(this.timer);
    document.removeEventListener('visibilitychange', this.onHidden);
    window.removeEventListener('pagehide', this.onHidden);
  }

  private async saveIfChanged(): Promise<void> {
    if (await this.hasChanges().catch(() => false)) await this.save();
  }
}
