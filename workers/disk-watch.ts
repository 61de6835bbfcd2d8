/**
 * v86 reads its disk in parts over XMLHttpRequest. Two things follow, and both are watched
 * here by wrapping XMLHttpRequest before v86 uses it:
 * - when a part cannot be downloaded, v86 retries forever while the guest waits on it: from
 *   inside, the machine just freezes. The page is told why (offline, the part not kept for
 *   offline use) and when the machine carries on.
 * - a state saved while a part is in flight restores a guest waiting for a read that will
 *   never complete: saving waits until no part is in flight.
 */
export class DiskWatch {
  private stalled = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(isDiskPart: (url: string) => boolean, onStall: (stalled: boolean) => void) {
    const setStalled = (value: boolean) => {
      if (value !== this.stalled) onStall((this.stalled = value));
    };
    const watch = this;
    const open = XMLHttpRequest.prototype.open as (this: XMLHttpRequest, ...args: unknown[]) => void;
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
      if (isDiskPart(String(args[1]))) {
        watch.inFlight++;
        this.addEventListener('error', () => setStalled(true));
        this.addEventListener('load', () => setStalled(this.status >= 400));
        // after load's handlers: v86 has handed the data to the guest's disk by then
        this.addEventListener('loadend', () => watch.settle());
      }
      open.apply(this, args);
    } as typeof XMLHttpRequest.prototype.open;
  }

  private settle(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Resolves once no disk part is in flight (at once if none is), or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
