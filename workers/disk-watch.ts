/**
 * Watches the machine's lazy disks (src/vm/lazy-disk.ts) for two things:
 * - a part that cannot be downloaded freezes the guest while it waits: from inside, the
 *   machine just stops. The page is told why (offline, the part not kept for offline use)
 *   and when the machine carries on.
 * - a state saved while a read is in flight restores a guest waiting for a read that will
 *   never complete: saving waits until no read is in flight.
 */
import type { DiskActivity } from '../src/vm/lazy-disk';

export class DiskWatch implements DiskActivity {
  private readonly failing = new Set<string>();
  private reading = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly onStall: (stalled: boolean) => void) {}

  readStarted(): void {
    this.reading++;
  }

  readDone(): void {
    this.reading--;
    if (this.reading === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  partFailed(url: string): void {
    this.failing.add(url);
    if (this.failing.size === 1) this.onStall(true);
  }

  partArrived(url: string): void {
    if (this.failing.delete(url) && this.failing.size === 0) this.onStall(false);
  }

  /** Resolves once no read is in flight (at once if none is), or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.reading === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
