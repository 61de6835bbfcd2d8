import { describe, expect, it } from 'vitest';
import { DiskReadahead, type ReadaheadIO } from '../../workers/disk-readahead';

const K = 262144;
const folder = 'http://site/guest/v1/disk/';
const part = (i: number) => `${folder}disk-${i * K}-${(i + 1) * K}.img.zst`;

/** Records what the readahead asks for; `cachedParts` are answered from the "cache". */
function fakeIO(cachedParts: string[] = [], failing: string[] = []): ReadaheadIO & { fetched: string[]; settle: () => Promise<void> } {
  const pending: Promise<unknown>[] = [];
  const io = {
    fetched: [] as string[],
    cached: async (url: string) => cachedParts.includes(url),
    fetch: (url: string) => {
      io.fetched.push(url);
      const p = failing.includes(url) ? Promise.reject(new Error('offline')) : Promise.resolve();
      pending.push(p.catch(() => {}));
      return p;
    },
    settle: async () => {
      for (let i = 0; i < 5; i++) await Promise.all(pending.splice(0)).then(() => new Promise((r) => setTimeout(r, 0)));
    },
  };
  return io;
}

describe('disk readahead', () => {
  it('names the parts after a request, on the same disk, none past its end', () => {
    const readahead = new DiskReadahead([{ folder, size: 10 * K }], fakeIO(), 3);
    expect(readahead.following(part(2))).toEqual([part(3), part(4), part(5)]);
    expect(readahead.following(part(8))).toEqual([part(9)]);
    expect(readahead.following('http://site/guest/v1/extras/extras-0-262144.img.zst')).toEqual([]);
    expect(readahead.following(`${folder}manifest.json`)).toEqual([]);
  });

  it('fetches what is not cached, each part once', async () => {
    const io = fakeIO([part(2)]);
    const readahead = new DiskReadahead([{ folder, size: 100 * K }], io, 3);
    readahead.requested(part(0));
    await io.settle();
    expect(io.fetched).toEqual([part(1), part(3)]); // part 2 was cached
    readahead.requested(part(1));
    await io.settle();
    expect(io.fetched).toEqual([part(1), part(3), part(4)]);
    readahead.requested(part(4)); // v86's own request of a part fetched ahead: only what follows
    await io.settle();
    expect(io.fetched).toEqual([part(1), part(3), part(4), part(5), part(6), part(7)]);
  });

  it('keeps to its limit of fetches at once, and tries a failed part again later', async () => {
    const io = fakeIO([], [part(1)]);
    const readahead = new DiskReadahead([{ folder, size: 100 * K }], io, 4, 2);
    readahead.requested(part(0));
    readahead.requested(part(10));
    expect(io.fetched).toEqual([]); // the cache is asked first, asynchronously
    await io.settle();
    expect(io.fetched).toEqual([part(1), part(2)]);
    readahead.requested(part(0));
    await io.settle();
    expect(io.fetched).toEqual([part(1), part(2), part(1), part(3)]);
  });
});
