/**
 * The guest image's manifest (dist/manifest.json), written by images/boot.ts and read by
 * every host: it names the files, their sizes and digests, and the v86 options a
 * snapshot restore must match.
 */

export const MANIFEST_FORMAT = 1;

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

export interface DiskDescription {
  /** v86 fetches `<base without extension>-<start>-<end>.img.zst` parts of chunkSize bytes */
  url: string;
  size: number;
  chunkSize: number;
  chunks: number;
  compressedSize: number;
  /** each part went through encodeCalls (src/vm/call-filter.ts) before zstd; absent: stored as is */
  filter?: 'x86-calls';
}

export interface FirstShell {
  channel: number;
  /** the shell's output so far (its prompt), to put on the terminal's screen */
  screen: string;
}

export interface GuestManifest {
  format: typeof MANIFEST_FORMAT;
  /** Hash of the recipe's inputs: a snapshot only restores on the image it came from. */
  imageVersion: string;
  suite: string;
  kernel: string;
  createdAt: string;
  files: {
    bios: ManifestFile;
    vgaBios: ManifestFile;
    kernel: ManifestFile;
    initrd: ManifestFile;
    state: ManifestFile & { rawSize: number; streaming?: StreamingIndex };
  };
  disk: DiskDescription;
  /**
   * A second, read-only disk (/opt/extras in the guest: etcd) for the labs that need it. It is
   * attached to every machine but left out of the default offline download (docs/classroom-offline.md).
   */
  extras?: DiskDescription;
  v86: {
    version: string;
    memorySize: number;
    vgaMemorySize: number;
    cmdline: string;
  };
  /**
   * A login shell the snapshot already runs at its prompt, on this agent channel, and what it
   * had written: a fresh machine's first terminal takes it over instead of starting a shell
   * (about a second in the emulator). When absent, the first terminal starts a shell.
   */
  firstShell?: FirstShell;
  /**
   * Machines other than the default one, each restored from its own snapshot of the same
   * disks (a lab names one with `machine:`): `kubernetes`, a one-node cluster already running.
   */
  machines?: Record<string, MachineSnapshot>;
  /** Exact versions of the guest's Debian packages (`name=version`). */
  packages: string[];
  build: {
    coldBootToDockerMs: number;
    /** the whole image build, cold cache (0 when unknown) */
    buildSeconds: number;
  };
}

/** A machine's own snapshot, taken from the default one with more started in it. */
export interface MachineSnapshot {
  state: GuestManifest['files']['state'];
  firstShell?: FirstShell;
}

/**
 * The manifest as the given machine sees it: its snapshot and first shell in place of the
 * default ones, everything else shared. No name, or `default`: the manifest itself.
 */
export function forMachine(manifest: GuestManifest, machine?: string): GuestManifest {
  if (!machine || machine === 'default') return manifest;
  const m = manifest.machines?.[machine];
  if (!m) {
    const known = Object.keys(manifest.machines ?? {});
    throw new ManifestError(`this guest image has no machine "${machine}"${known.length ? ` (it has: default, ${known.join(', ')})` : ''}`);
  }
  return { ...manifest, files: { ...manifest.files, state: m.state }, firstShell: m.firstShell };
}

/**
 * What lets a restore start before the whole compressed snapshot has arrived (see
 * src/vm/arriving-state.ts). When absent, a restore waits for the whole snapshot.
 */
export interface StreamingIndex {
  /** where the guest's memory pages start in the decompressed state (snapshot-layout.ts) */
  pagesAt: number;
  /** [compressed bytes, decompressed bytes they suffice for], in increasing order */
  decodable: [number, number][];
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Checks the shape of a parsed manifest.json; throws a ManifestError that says what is wrong. */
export function parseManifest(json: unknown): GuestManifest {
  const m = json as Partial<GuestManifest> | null;
  if (!m || typeof m !== 'object') throw new ManifestError('the guest manifest is not a JSON object');
  if (m.format !== MANIFEST_FORMAT) {
    throw new ManifestError(`the guest manifest has format ${String(m.format)}, this LabBox reads format ${MANIFEST_FORMAT}`);
  }
  for (const key of ['bios', 'vgaBios', 'kernel', 'initrd', 'state'] as const) {
    const f = m.files?.[key];
    if (!f || typeof f.path !== 'string' || typeof f.size !== 'number') {
      throw new ManifestError(`the guest manifest lacks the file entry "${key}"`);
    }
  }
  const streaming = m.files!.state.streaming;
  if (
    streaming !== undefined &&
    !(
      streaming.pagesAt > 0 &&
      Array.isArray(streaming.decodable) &&
      streaming.decodable.every((e) => Array.isArray(e) && e.length === 2 && e.every(Number.isInteger))
    )
  ) {
    throw new ManifestError('the guest manifest has a malformed snapshot streaming index');
  }
  if (!m.disk || !(m.disk.size > 0) || !(m.disk.chunkSize > 0)) throw new ManifestError('the guest manifest lacks the disk description');
  if (m.extras !== undefined && !(m.extras.size > 0 && m.extras.chunkSize > 0 && typeof m.extras.url === 'string')) {
    throw new ManifestError('the guest manifest has a malformed extras disk description');
  }
  for (const d of [m.disk, m.extras]) {
    if (d?.filter !== undefined && d.filter !== 'x86-calls') {
      throw new ManifestError(`the guest disk is stored with a filter this LabBox does not know ("${String(d.filter)}"): the image is newer than the page`);
    }
  }
  if (m.firstShell !== undefined && !(Number.isInteger(m.firstShell.channel) && m.firstShell.channel > 0 && typeof m.firstShell.screen === 'string')) {
    throw new ManifestError('the guest manifest has a malformed first shell');
  }
  for (const [name, machine] of Object.entries(m.machines ?? {})) {
    const f = machine?.state;
    if (!/^[a-z0-9-]+$/.test(name) || !f || typeof f.path !== 'string' || typeof f.size !== 'number') {
      throw new ManifestError(`the guest manifest has a malformed machine "${name}"`);
    }
  }
  if (!m.v86 || !(m.v86.memorySize > 0) || typeof m.v86.cmdline !== 'string') {
    throw new ManifestError('the guest manifest lacks the v86 options');
  }
  return m as GuestManifest;
}
