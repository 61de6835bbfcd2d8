/**
 * v86 reads its disk in parts over XMLHttpRequest. Two things follow, and both are watched
 * here by wrapping XMLHttpRequest before v86 uses it:
 * - when a part cannot be downloaded, v86 retries forever while the guest waits on it: from
 *   inside, the machine just freezes. The page is told why (offline, the part not kept for
 *   offline use) and when the machine carries on.
 * - a state saved while a part is in flight restores a guest waiting for a read that will
 *   never complete: saving waits until no part is in flight, nor in v86's zstd worker (in a
 *   browser a part is decompressed there before it reaches the guest's disk).
 */
export class DiskWatch {
  private stalled = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  /** `onRequest` hears of every disk part v86 asks for (the readahead). */
  constructor(isDiskPart: (url: string) => boolean, onStall: (stalled: boolean) => void, onRequest?: (url: string) => void) {
    const setStalled = (value: boolean) => {
      if (value !== this.stalled) onStall((this.stalled = value));
    };
    const watch = this;
    const open = XMLHttpRequest.prototype.open as (this: XMLHttpRequest, ...args: unknown[]) => void;
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
      const url = String(args[1]);
      if (isDiskPart(url)) {
        watch.inFlight++;
        onRequest?.(url);
        this.addEventListener('error', () => setStalled(true));
        this.addEventListener('load', () => setStalled(this.status >= 400));
        // after load's handlers: v86 has handed the data to the guest's disk by then
        this.addEventListener('loadend', () => watch.settle());
      }
      open.apply(this, args);
    } as typeof XMLHttpRequest.prototype.open;
  }

  /** Counts v86's zstd worker requests too (it creates the worker on first use). */
  watchDecompression(emulator: object): void {
    const wrap = (worker: Worker): Worker => {
      const post = worker.postMessage.bind(worker) as (message: unknown, transfer?: Transferable[]) => void;
      worker.postMessage = ((message: unknown, transfer?: Transferable[]) => {
        const id = (message as { id?: unknown } | null)?.id;
        if (typeof id === 'number') {
          this.inFlight++;
          const done = (event: MessageEvent) => {
            if ((event.data as { id?: unknown } | null)?.id !== id) return;
            worker.removeEventListener('message', done);
            // after v86's own continuation has handed the data to the disk
            setTimeout(() => this.settle(), 0);
          };
          worker.addEventListener('message', done);
        }
        post(message, transfer);
      }) as Worker['postMessage'];
      return worker;
    };
    const existing = (emulator as { zstd_worker?: Worker | null }).zstd_worker;
    let current: Worker | null = existing ? wrap(existing) : null;
    Object.defineProperty(emulator, 'zstd_worker', {
      configurable: true,
      get: () => current,
      set: (value: Worker | null) => void (current = value && wrap(value)),
    });
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
