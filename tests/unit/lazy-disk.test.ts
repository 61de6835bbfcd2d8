import { describe, expect, it } from 'vitest';
import { DiskWatch } from '../../workers/disk-watch';
import { LazyDisk, type PartIO } from '../../src/vm/lazy-disk';
import { encodeCalls } from '../../src/vm/call-filter';

const CHUNK = 1024;
const URL = 'http://site/guest/v1/disk/disk.img.zst';

/** Disk byte i is i % 251; a part is "compressed" by reversing it, so decompression shows. */
function fakeIO(options: { failFirst?: number } = {}) {
  const fetched: string[] = [];
  let failures = options.failFirst ?? 0;
  const gates: (() => void)[] = [];
  const io: PartIO = {
    async fetch(url) {
      fetched.push(url);
      await new Promise<void>((resolve) => gates.push(resolve));
      if (failures > 0 && failures--) throw new Error('offline');
      const start = Number(/-(\d+)-\d+\.img\.zst$/.exec(url)![1]);
      return Uint8Array.from({ length: CHUNK }, (_, k) => (start + k) % 251).reverse().buffer;
    },
    decompress: (size, data) => {
      expect(size).toBe(CHUNK);
      return data.slice().reverse();
    },
  };
  /** lets every fetch started so far answer */
  const release = async () => {
    for (let round = 0; round < 5; round++) {
      for (const open of gates.splice(0)) open();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { io, fetched, release };
}

const expected = (offset: number, len: number) => Uint8Array.from({ length: len }, (_, k) => (offset + k) % 251);
const read = (disk: LazyDisk, offset: number, len: number) => new Promise<Uint8Array>((resolve) => disk.get(offset, len, resolve));
const partName = (url: string) => url.split('/').pop();
const stalls: boolean[] = [];
const watch = () => new DiskWatch((stalled) => stalls.push(stalled));

describe('LazyDisk', () => {
  it('reads across parts named as v86 names them, fetches the next ones ahead, and shares fetches in flight', async () => {
    const { io, fetched, release } = fakeIO();
    const disk = new LazyDisk(URL, 8 * CHUNK, CHUNK, io, watch(), { readahead: 2 });
    const first = read(disk, CHUNK - 256, 512);
    const again = read(disk, CHUNK, 256);
    await release();
    expect(await first).toEqual(expected(CHUNK - 256, 512));
    expect(await again).toEqual(expected(CHUNK, 256));
    expect(fetched.map(partName)).toEqual(['disk-0-1024.img.zst', 'disk-1024-2048.img.zst', 'disk-2048-3072.img.zst', 'disk-3072-4096.img.zst']);
    // part 2 came ahead: reading it costs no fetch, and moves the window on (part 4)
    expect(disk.get_from_cache(2 * CHUNK, 256)).toEqual(expected(2 * CHUNK, 256));
    expect(await read(disk, 2 * CHUNK, 256)).toEqual(expected(2 * CHUNK, 256));
    expect(fetched.map(partName).slice(4)).toEqual(['disk-4096-5120.img.zst']);
  });

  it('queues the parts ahead of a read made while its fetches ahead are all in flight, not drops them', async () => {
    const { io, fetched, release } = fakeIO();
    const disk = new LazyDisk(URL, 16 * CHUNK, CHUNK, io, watch(), { readahead: 2, maxAhead: 2 });
    const first = read(disk, 0, 256); // parts 1 and 2 ahead: both slots taken
    const second = read(disk, 8 * CHUNK, 256); // parts 9 and 10 wait for a slot
    expect(fetched.map(partName)).toEqual(['disk-0-1024.img.zst', 'disk-1024-2048.img.zst', 'disk-2048-3072.img.zst', 'disk-8192-9216.img.zst']);
    await release();
    await Promise.all([first, second]);
    expect(fetched.map(partName).slice(4)).toEqual(['disk-9216-10240.img.zst', 'disk-10240-11264.img.zst']);
    expect(disk.get_from_cache(10 * CHUNK, 256)).toEqual(expected(10 * CHUNK, 256));
  });

  it('fetches nothing ahead past the end of the disk', async () => {
    const { io, fetched, release } = fakeIO();
    const disk = new LazyDisk(URL, 3 * CHUNK, CHUNK, io, watch(), { readahead: 4 });
    const r = read(disk, 2 * CHUNK, 256);
    await release();
    await r;
    expect(fetched.map(partName)).toEqual(['disk-2048-3072.img.zst']);
  });

  it('overlays what the guest wrote, keeps it as its state, and needs no fetch for a range written whole', async () => {
    const { io, fetched, release } = fakeIO();
    const disk = new LazyDisk(URL, 4 * CHUNK, CHUNK, io, watch(), { readahead: 0 });
    disk.set(256, new Uint8Array(256).fill(7), () => {});
    const r = read(disk, 0, 768);
    await release();
    const data = await r;
    expect(data.subarray(0, 256)).toEqual(expected(0, 256));
    expect(data.subarray(256, 512)).toEqual(new Uint8Array(256).fill(7));
    expect(data.subarray(512)).toEqual(expected(512, 256));

    const restored = new LazyDisk(URL, 4 * CHUNK, CHUNK, io, watch());
    restored.set_state(disk.get_state());
    fetched.length = 0;
    expect(await read(restored, 256, 256)).toEqual(new Uint8Array(256).fill(7));
    expect(fetched).toEqual([]);

    // a part the guest overwrote whole is not fetched, neither for a read spanning it nor ahead
    restored.set(2 * CHUNK, new Uint8Array(CHUNK).fill(9), () => {});
    const spanning = read(restored, CHUNK, 2 * CHUNK);
    await release();
    expect((await spanning).subarray(CHUNK)).toEqual(new Uint8Array(CHUNK).fill(9));
    expect(fetched.map(partName)).toEqual(['disk-1024-2048.img.zst', 'disk-3072-4096.img.zst']);
  });

  it('gives back what the guest discards: the blocks read as the image again, the state no longer holds them', async () => {
    const { io, fetched, release } = fakeIO();
    const disk = new LazyDisk(URL, 4 * CHUNK, CHUNK, io, watch(), { readahead: 0 });
    disk.set(CHUNK, new Uint8Array(CHUNK).fill(9), () => {});
    expect(disk.get_from_cache(CHUNK, CHUNK)).toEqual(new Uint8Array(CHUNK).fill(9));
    expect(disk.writtenSize()).toEqual({ pages: 1, bytes: 4096, stored: 0 });
    disk.discard(CHUNK, CHUNK);
    expect(disk.writtenSize()).toEqual({ pages: 0, bytes: 0, stored: 0 });
    expect(disk.get_state()).toEqual([[]]);
    const r = read(disk, CHUNK, CHUNK);
    await release();
    expect(await r).toEqual(expected(CHUNK, CHUNK));
    expect(fetched.map(partName)).toEqual(['disk-1024-2048.img.zst']);
  });

  it('retries a part that does not come, says so, and says when it arrives', async () => {
    stalls.length = 0;
    const { io, fetched, release } = fakeIO({ failFirst: 2 });
    const w = watch();
    const disk = new LazyDisk(URL, 4 * CHUNK, CHUNK, io, w, { readahead: 0, retryDelaysMs: [30] });
    const r = read(disk, 0, 256);
    await release();
    expect(stalls).toEqual([true]);
    expect(await w.idle(0)).toBe(false);
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      await release();
    }
    expect(await r).toEqual(expected(0, 256));
    expect(fetched.map(partName)).toEqual(['disk-0-1024.img.zst', 'disk-0-1024.img.zst', 'disk-0-1024.img.zst']);
    expect(stalls).toEqual([true, false]);
    expect(await w.idle(0)).toBe(true);
  });

  it('keeps decompressed parts up to its bound, least recently used out first', async () => {
    const { io, fetched, release } = fakeIO();
    const disk = new LazyDisk(URL, 8 * CHUNK, CHUNK, io, watch(), { readahead: 0, keepBytes: 2 * CHUNK });
    for (const part of [0, 1, 0, 2]) {
      const r = read(disk, part * CHUNK, 256);
      await release();
      await r;
    }
    expect(disk.get_from_cache(0, 256)).toEqual(expected(0, 256));
    expect(disk.get_from_cache(CHUNK, 256)).toBeUndefined();
    expect(fetched.map(partName)).toEqual(['disk-0-1024.img.zst', 'disk-1024-2048.img.zst', 'disk-2048-3072.img.zst']);
  });

  it('returns every byte of a read whose parts leave memory before the last one arrives', async () => {
    const { io, release } = fakeIO();
    const disk = new LazyDisk(URL, 8 * CHUNK, CHUNK, io, watch(), { readahead: 0, keepBytes: CHUNK });
    const first = read(disk, 0, 256);
    await release();
    await first;
    // part 0 is in memory; part 1 is fetched for a read spanning both, and its arrival pushes part 0 out
    const spanning = read(disk, CHUNK - 256, 512);
    await release();
    expect(await spanning).toEqual(expected(CHUNK - 256, 512));
    expect(disk.get_from_cache(0, 256)).toBeUndefined();
  });

  it('undoes the x86 call filter on the parts of a disk stored through it (DiskDescription.filter)', async () => {
    const original = new Uint8Array(CHUNK);
    original.set([0xe8, 0x40, 0x01, 0x00, 0x00], 10); // CALL +0x140
    const stored = original.slice();
    encodeCalls(stored, CHUNK);
    expect(stored).not.toEqual(original);
    const io: PartIO = { fetch: async () => stored.slice().buffer, decompress: (_, data) => data };
    const description = { url: 'disk/disk.img.zst', size: 2 * CHUNK, chunkSize: CHUNK, chunks: 2, compressedSize: 0 };
    const resolve = (p: string) => `http://site/${p}`;
    expect(await read(LazyDisk.of({ ...description, filter: 'x86-calls' }, resolve, io, watch()), CHUNK, CHUNK)).toEqual(original);
    expect(await read(LazyDisk.of(description, resolve, io, watch()), CHUNK, CHUNK)).toEqual(stored);
  });

  it("reads the boot sector through get_and_cache, as v86's cold boot asks for it", async () => {
    const { io, release } = fakeIO();
    const disk = new LazyDisk(URL, 4 * CHUNK, CHUNK, io, watch(), { readahead: 0 });
    const sector = new Promise<Uint8Array>((resolve) => disk.get_and_cache(0, 512, resolve));
    await release();
    expect(await sector).toEqual(expected(0, 512));
  });
});
