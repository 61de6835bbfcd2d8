/**
 * v86 reads its disk in parts over XMLHttpRequest and, when one cannot be downloaded,
 * retries forever while the guest waits on it: from inside, the machine just freezes.
 * Watching those requests lets the page say why (offline, the part not kept for offline use)
 * and when the machine carries on.
 */
export function watchDiskParts(isDiskPart: (url: string) => boolean, onStall: (stalled: boolean) => void): void {
  let stalled = false;
  const set = (value: boolean) => {
    if (value !== stalled) onStall((stalled = value));
  };
  const open = XMLHttpRequest.prototype.open as (this: XMLHttpRequest, ...args: unknown[]) => void;
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
    if (isDiskPart(String(args[1]))) {
      this.addEventListener('error', () => set(true));
      this.addEventListener('load', () => set(this.status >= 400));
    }
    open.apply(this, args);
  } as typeof XMLHttpRequest.prototype.open;
}
