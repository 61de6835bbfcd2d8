/**
 * v86 asks for its lazy disk one 256 KiB part at a time, when the guest reads there, and waits
 * for each: a program's code or an image layer read for the first time pays one round trip
 * per part (about 60 ms through the service worker when the part is not cached yet, 7 ms
 * when it is). On each request this fetches the next few parts in the background: the
 * service worker keeps them in its cache, where v86's own request finds them a moment later.
 * Only worth it when a service worker controls the page (no cache otherwise).
 */

/** A part's URL as v86 builds it: `<name>-<start>-<end><extension>`. */
const PART = /^(.*)-(\d+)-(\d+)(\.[^/-]*)$/;

export interface ReadaheadIO {
  /** true when the part is already in the cache */
  cached(url: string): Promise<boolean>;
  /** fetches the part (through the service worker, which caches it) */
  fetch(url: string): Promise<void>;
}

export class DiskReadahead {
  private readonly seen = new Set<string>();
  private inFlight = 0;

  /**
   * @param disks each disk's folder URL (ending in "/") and byte size: no part past the end
   * @param depth parts fetched ahead of each request
   * @param maxInFlight background fetches at once (they share the connection with the guest's own)
   */
  constructor(
    private readonly disks: { folder: string; size: number }[],
    private readonly io: ReadaheadIO,
    private readonly depth = 4,
    private readonly maxInFlight = 6,
  ) {}

  /** v86 requested `url`: fetch the parts after it. */
  requested(url: string): void {
    this.seen.add(url);
    for (const next of this.following(url)) {
      if (this.inFlight >= this.maxInFlight) return;
      if (this.seen.has(next)) continue;
      this.seen.add(next);
      this.inFlight++;
      // a failed fetch ahead is no loss: v86 asks again when the guest needs the part
      void this.io
        .cached(next)
        .then((hit) => (hit ? undefined : this.io.fetch(next)))
        .catch(() => this.seen.delete(next))
        .finally(() => this.inFlight--);
    }
  }

  /** The URLs of the `depth` parts after `url` on the same disk, none past its end. */
  following(url: string): string[] {
    const m = PART.exec(url);
    const disk = m && this.disks.find((d) => url.startsWith(d.folder));
    if (!m || !disk) return [];
    const [, name, startText, endText, extension] = m;
    const start = Number(startText);
    const length = Number(endText) - start;
    const parts: string[] = [];
    for (let i = 1; i <= this.depth; i++) {
      const s = start + i * length;
      if (s >= disk.size) break;
      parts.push(`${name}-${s}-${s + length}${extension}`);
    }
    return parts;
  }
}

/** In the worker: the service worker's cache answers `cached`; a fetch through it fills it. */
export const THROUGH_SERVICE_WORKER: ReadaheadIO = {
  cached: async (url) => (await caches.match(url, { ignoreVary: true })) !== undefined,
  fetch: async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await response.arrayBuffer();
  },
};
