import { describe, expect, it } from 'vitest';
import { forMachine, MANIFEST_FORMAT, parseManifest } from '../../src/vm/manifest';

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

describe("the guest manifest's machines", () => {
  const kubernetes = { state: { path: 'machines/kubernetes.state.bin.zst', size: 2, sha256: 'k', rawSize: 20 }, firstShell: { channel: 3, screen: '# ' } };

  it('gives a machine its own snapshot and first shell, and shares the rest', () => {
    const m = parseManifest({ ...manifest({}), firstShell: { channel: 2, screen: '$ ' }, machines: { kubernetes } });
    const k = forMachine(m, 'kubernetes');
    expect(k.files.state).toEqual(kubernetes.state);
    expect(k.firstShell).toEqual(kubernetes.firstShell);
    expect(k.disk).toBe(m.disk);
    expect(k.files.kernel).toBe(m.files.kernel);
    expect(forMachine(m, undefined)).toBe(m);
    expect(forMachine(m, 'default')).toBe(m);
  });

  it('says which machines the image has when asked for another', () => {
    const m = parseManifest({ ...manifest({}), machines: { kubernetes } });
    expect(() => forMachine(m, 'openshift')).toThrow('this guest image has no machine "openshift" (it has: default, kubernetes)');
    expect(() => forMachine(parseManifest(manifest({})), 'kubernetes')).toThrow(/no machine "kubernetes"$/);
  });

  it('refuses a malformed machine', () => {
    expect(() => parseManifest({ ...manifest({}), machines: { kubernetes: {} } })).toThrow('the guest manifest has a malformed machine "kubernetes"');
    expect(() => parseManifest({ ...manifest({}), machines: { 'Bad Name': kubernetes } })).toThrow('malformed machine "Bad Name"');
  });
});
