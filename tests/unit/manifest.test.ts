import { describe, expect, it } from 'vitest';
import { MANIFEST_FORMAT, parseManifest } from '../../src/vm/manifest';

const file = { path: 'f', size: 1, sha256: '' };
const manifest = (state: object) => ({
  format: MANIFEST_FORMAT,
  files: { bios: file, vgaBios: file, kernel: file, initrd: file, state: { ...file, rawSize: 10, ...state } },
  disk: { url: 'disk.img.zst', size: 1 << 20, chunkSize: 1 << 18, chunks: 4, compressedSize: 1 },
  v86: { version: '0.5', memorySize: 1 << 29, vgaMemorySize: 1 << 23, cmdline: '' },
});

describe("the guest manifest's snapshot streaming index", () => {
  it('is optional, and read when well formed', () => {
    expect(parseManifest(manifest({})).files.state.streaming).toBeUndefined();
    const streaming = { pagesAt: 4, decodable: [[1, 8]] };
    expect(parseManifest(manifest({ streaming })).files.state.streaming).toEqual(streaming);
  });

  it('is refused, with a message that says so, when malformed', () => {
    for (const streaming of [{ pagesAt: 4 }, { pagesAt: 0, decodable: [] }, { pagesAt: 4, decodable: [[1]] }, { pagesAt: 4, decodable: [[1, 0.5]] }]) {
      expect(() => parseManifest(manifest({ streaming }))).toThrow('the guest manifest has a malformed snapshot streaming index');
    }
  });
});
