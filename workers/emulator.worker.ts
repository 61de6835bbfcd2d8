/**
 * The emulator worker: v86 and the LabBox guest, off the page's main thread.
 * Control calls come through comlink (see EmulatorApi); each terminal gets its own
 * MessagePort so its bytes never queue behind control calls.
 */
import * as Comlink from 'comlink';
import { V86 } from 'v86';
import type { AgentClient, ExecResult } from '../src/vm/agent-client';
import { connectAgent, reserveFirstShell, SHRINK_GUEST_MEMORY, waitForAgent } from '../src/vm/agent-connection';
import { runsCommand, warmUp, warmUpSteps } from '../src/vm/warm-up';
import { forMachine, type DiskDescription, type GuestManifest } from '../src/vm/manifest';
import { tuneJit, v86Options, type V86Zstd } from '../src/vm/options';
import { trimDisks } from '../src/vm/ide-trim';
import { openOpfsPageStore, type ClosablePageStore } from './opfs-page-store';
import { restoreIntoFreshMemory } from '../src/vm/restore-memory';
import { movePagesToEnd } from '../src/vm/snapshot-layout';
import { indexState, makeDelta, type StateIndex } from '../src/storage/state-delta';
import { checkIdentity, SnapshotStore, type MachineIdentity, type SessionInfo, type SnapshotRecord } from '../src/storage/snapshot-store';
import { useFastYield } from './fast-yield';
import { downloadInto } from './fetch-progress';
import { DiskWatch } from './disk-watch';
import { LazyDisk, type PartIO } from '../src/vm/lazy-disk';
import { TerminalBridge } from './terminal-bridge';
import { compileV86, WasmDownloadError, whyNoEmulator } from './v86-wasm';
import { keepGuestFile, matchesEntry, verifiedGuestFile } from '../src/offline/guest-cache';
import { snapshotFromReader } from './cached-snapshot';
import { builtInManifest, fetchManifest } from './guest-manifest';
import { ArrivingState } from '../src/vm/arriving-state';
import { attachNic } from '../src/cluster/nic';
import { watchAgentRestart } from './agent-restart';
import { takeState } from './take-state';
import { errorText, stringsFor, type Strings } from '../src/i18n';
import type {
  ChangesSaved,
  EmulatorContract,
  FullSaveNeeded,
  GuestInfo,
  Progress,
  SaveRequest,
  StartMarks,
  StartOptions,
  StreamMessage,
} from './emulator-contract';

/**
 * Bytes of the pages the guest wrote to its disk that stay in this worker's memory; the others
 * are in an OPFS file (workers/opfs-page-store.ts), so that filling the disk costs the page no
 * more than this.
 */
const WRITTEN_IN_MEMORY = 64 * 2 ** 20;
/**
 * Bytes of written pages a save takes at most: a save brings them all into memory, and a file of
 * random data filling the disk is 1.5 GiB. Past it the save says so (`tooMuchWritten`).
 */
const WRITTEN_IN_STATE = 512 * 2 ** 20;

/** Past these, a full save starts a new chain (restoring reads the base and every delta). */
const COMPACT_AFTER_DELTAS = 40;
const COMPACT_AFTER_BYTES = 64 * 2 ** 20;
const MAX_DELTAS = 200;

/** The words of this worker's progress and errors: the page's language, once a start says it. */
let words: Strings = stringsFor('en');

/**
 * Errors thrown to the page are said in its language: those of the platform-free layers
 * (storage) carry a key of the table (SaidError), which comlink's copy of an error would lose.
 */
const throwHandler = Comlink.transferHandlers.get('throw')!;
Comlink.transferHandlers.set('throw', {
  ...throwHandler,
  serialize: (thrown) => {
    const error = (thrown as { value?: unknown }).value;
    if (error instanceof Error && 'said' in error) error.message = errorText(error, words);
    return throwHandler.serialize(thrown);
  },
});

// compiled as soon as this worker loads, while the page still reads its saved machines;
// served unhashed at the site's /v86/ (see vite.config.ts)
const wasm = compileV86(new URL(/* @vite-ignore */ '../v86/v86.wasm', import.meta.url).href);

/** A snapshot to restore: whole, or still arriving (from the page's reader, or downloading). */
type SnapshotSource = { buffer: ArrayBuffer } | { arriving: ArrivingState; fromReader: boolean };

/** v86, created on a state; `restored` resolves once the guest's memory is whole. */
interface Launched {
  v86: V86;
  restored: Promise<void>;
  /** false for a streamed restore: the guest waits to be run once `restored` has resolved */
  runsItself: boolean;
}

export class EmulatorApi implements EmulatorContract {
  private emulator: V86 | null = null;
  private agent: AgentClient | null = null;
  private warmedUp = false;
  /** aborted by the first command the trainee runs since the guest started: the warm-up stops */
  private running = new AbortController();
  private machine: MachineIdentity | null = null;
  /** the trainee typed or ran something since the last save */
  private changed = false;
  private readonly store = new SnapshotStore();
  private disk: DiskWatch | undefined;
  /** where the root disk's written pages go past WRITTEN_IN_MEMORY */
  private writtenStore: ClosablePageStore | undefined;
  /**
   * the saved machine the next save of changes extends, and the index of its last saved
   * state; null until a full save of the autosave slot (or the restore of one)
   */
  private chain: { id: string; index: Promise<StateIndex>; deltas: number; storedBytes: number } | null = null;

  async start(options: StartOptions, onProgress: (p: Progress) => void): Promise<GuestInfo> {
    words = stringsFor(options.lang ?? 'en');
    const w = words.machine;
    if (this.emulator) throw new Error(w.alreadyRunning);
    const marks: StartMarks = {};
    const mark = (step: keyof StartMarks) => (marks[step] = performance.timeOrigin + performance.now());
    mark('called');
    const base = new URL(options.imageUrl.endsWith('/') ? options.imageUrl : `${options.imageUrl}/`, self.location.href);
    onProgress({ phase: 'loading', message: w.readingManifest });
    // the site's own manifest is at hand, but its fetch still says whether the image is served
    // (or kept offline): a start fails as soon as it says not, rather than stall on the disk
    const served = fetchManifest(base, words);
    const notServed = served.then(() => new Promise<never>(() => {}));
    notServed.catch(() => {}); // raced below
    const manifest = forMachine(builtInManifest(base) ?? (await served), options.machine);
    mark('manifest');
    const resolve = (p: string) => new URL(p, base).href;
    const machine: MachineIdentity = { imageVersion: manifest.imageVersion, v86Version: manifest.v86.version, memorySize: manifest.v86.memorySize };

    let source: SnapshotSource;
    let restored: SnapshotRecord | undefined;
    if (options.snapshotId) {
      onProgress({ phase: 'loading', message: w.readingSaved });
      const record = await this.store.get(options.snapshotId);
      if (record) checkIdentity(record, machine);
      const saved = await this.store.load(options.snapshotId);
      restored = saved.record;
      source = { buffer: saved.state.buffer as ArrayBuffer };
      // the autosave goes on from the state restored; indexed once the guest runs
      if (restored.kind === 'auto') {
        const state = saved.state;
        const deltas = restored.deltas?.length ?? 0;
        const index = new Promise<StateIndex>((done) => setTimeout(done, 2000)).then(() => indexState(state));
        this.chain = { id: restored.id, index, deltas, storedBytes: restored.storedSize };
      }
    } else {
      const url = resolve(manifest.files.state.path);
      // the site's own image: after the first visit, the page's reader streams it from the offline cache
      const read =
        options.cachedState && manifest.imageVersion === __GUEST_VERSION__
          ? await snapshotFromReader(options.cachedState, url, manifest.files.state)
          : undefined;
      source = read ? { arriving: read, fromReader: true } : await this.snapshotSource(manifest, url, onProgress);
    }
    if ('buffer' in source) mark('state-read');

    onProgress({ phase: 'booting', message: w.restoring });
    const emulator = await Promise.race([this.restoreFrom(source, manifest, resolve, onProgress, mark), notServed]);
    this.emulator = emulator.v86;
    emulator.v86.add_listener('emulator-started', () => mark('emulator-started'));
    const agent = connectAgent(emulator.v86);
    this.agent = agent;
    let started = false;
    watchAgentRestart(
      emulator.v86,
      agent,
      () => started,
      () => console.warn('The guest agent started again: its shells ended.'),
    );
    // a saved machine's shells still hold their channels: even setting the clock must not reuse one
    if (restored) agent.skipChannels(restored.session.nextChannel);
    const firstShell = !restored ? reserveFirstShell(agent, manifest) : undefined;
    // listening before the guest runs: a streamed restore's runs once its memory is whole
    // (waitForAgent says if it never does)
    const ready = waitForAgent(emulator.v86, agent, false);
    await Promise.all([emulator.runsItself || emulator.restored.then(() => emulator.v86.run()), ready]);
    mark('agent-ready');
    started = true;
    this.machine = machine;
    this.changed = false;
    onProgress({ phase: 'ready', message: w.ready });
    return {
      machine,
      suite: manifest.suite,
      restored: restored && { id: restored.id, name: restored.name, session: restored.session },
      firstShell,
      marks,
    };
  }

  /**
   * Creates v86 on the snapshot: at once when it is whole; when it is still arriving, on its
   * first part, returning once all of it has arrived and its memory is in and checked (see
   * Launched). A copy from the page's reader that is short, damaged or unreadable is read again,
   * from the cache or the server; a download that fails throws, in words for the trainee.
   */
  private async restoreFrom(
    source: SnapshotSource,
    manifest: GuestManifest,
    resolve: (path: string) => string,
    onProgress: (p: Progress) => void,
    mark: (step: keyof StartMarks) => void,
  ): Promise<Launched> {
    for (;;) {
      if ('buffer' in source) {
        mark('state-checked');
        return this.launch(manifest, resolve, onProgress, source.buffer);
      }
      const { arriving } = source;
      // v86 reads the state's header and buffers at once: those must be there before it starts
      const prefix = arriving.neededFor(manifest.files.state.streaming?.pagesAt ?? Infinity);
      const launched = await arriving.whenReceived(prefix).then(
        () => {
          mark('stream-began');
          return this.launch(manifest, resolve, onProgress, arriving.slice(prefix).buffer, arriving);
        },
        () => undefined,
      );
      const failure = await arriving.complete
        .then(() => {
          mark('state-read');
          // the memory in, which checks the snapshot's checksum
          return launched?.restored;
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      if (launched && !failure) {
        mark('state-checked');
        return launched;
      }
      await launched?.v86.destroy();
      if (!source.fromReader) throw failure;
      // short, damaged or unreadable: from the cache again (checked whole, a damaged copy dropped), or the server
      console.warn(`The cached snapshot cannot be used (${failure instanceof Error ? failure.message : String(failure)}); reading it again.`);
      source = await this.snapshotSource(manifest, resolve(manifest.files.state.path), onProgress);
    }
  }

  /**
   * The image's snapshot: from the offline cache when it is this site's image and there
   * (checked), else downloading, for a restore that begins as it arrives. Checked against the
   * manifest at its end, and kept in that cache for the next visit.
   */
  private async snapshotSource(manifest: GuestManifest, url: string, onProgress: (p: Progress) => void): Promise<SnapshotSource> {
    const entry = manifest.files.state;
    const ownImage = manifest.imageVersion === __GUEST_VERSION__;
    const cached = ownImage ? await verifiedGuestFile(manifest.imageVersion, url, entry) : undefined;
    if (cached) return { buffer: cached };
    const arriving = new ArrivingState(entry.size, entry.streaming);
    const w = words.machine;
    const progress = (loaded: number, total: number) => onProgress({ phase: 'loading', message: w.downloading, loaded, total });
    void downloadInto(url, arriving, progress, words)
      .then(async () => {
        // what arrived, of whatever size: matchesEntry checks the size, then the SHA-256
        const file = arriving.slice(arriving.received).buffer;
        if (!(await matchesEntry(file, entry))) {
          throw new Error(w.corrupt);
        }
        arriving.finish(true);
        onProgress({ phase: 'booting', message: w.restoring });
        if (ownImage) void keepGuestFile(manifest.imageVersion, url, file);
      })
      .catch((error: unknown) => arriving.fail(error instanceof Error ? error : new Error(String(error))));
    return { arriving, fromReader: false };
  }

  /**
   * Creates v86 on `state`. With `arriving`, the state's pages are restored as they arrive and
   * the guest is left stopped: the caller runs it once `restored` has resolved.
   */
  private async launch(
    manifest: GuestManifest,
    resolve: (path: string) => string,
    onProgress: (p: Progress) => void,
    state: ArrayBuffer,
    arriving?: ArrivingState,
  ): Promise<Launched> {
    const w = words.machine;
    const watch = new DiskWatch((stalled) =>
      onProgress(stalled ? { phase: 'waiting-for-disk', message: w.waitingForDisk(w.unreachable) } : { phase: 'ready', message: w.ready }),
    );
    this.disk = watch;
    const io: PartIO = {
      fetch: async (url) => {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.arrayBuffer();
      },
      // v86's own zstd, on this thread; parts are read only once it runs
      decompress: (size, data) => new Uint8Array((emulator as unknown as V86Zstd).zstd_decompress(size, data)),
    };
    const opened = this.closeWrittenStore().then(openOpfsPageStore);
    await wasm.ready.catch((error: unknown) => {
      throw error instanceof WasmDownloadError ? new Error(whyNoEmulator(words, error.status)) : error;
    });
    const store = (this.writtenStore = await opened);
    // the guest writes only to its root disk; the extras disk is read-only
    const lazyDisk = (d: DiskDescription) =>
      LazyDisk.of(d, resolve, io, watch, d === manifest.disk ? { store, keepWrittenBytes: WRITTEN_IN_MEMORY, maxStateBytes: WRITTEN_IN_STATE } : {});
    const emulator: V86 = new V86({
      // the drives are read by this worker (see LazyDisk)
      ...v86Options(manifest, resolve, { state: { buffer: state } }, lazyDisk),
      wasm_fn: wasm.instantiate,
      autostart: !arriving,
    } as never);
    tuneJit(emulator);
    trimDisks(emulator);
    const memory = restoreIntoFreshMemory(emulator, state, arriving);
    useFastYield(emulator);
    const loaded = new Promise<void>((done) => emulator.add_listener('emulator-loaded', () => done()));
    const restored = Promise.all([memory, loaded]).then(() => undefined);
    restored.catch(() => {}); // a damaged snapshot's restore fails too: the caller decides what it means
    return { v86: emulator, restored, runsItself: !arriving };
  }

  /** Runs a command for the page (checks, the status bar); it may change the machine. */
  exec(command: string, timeoutMs = 120_000, changesMachine = true): Promise<ExecResult> {
    if (changesMachine) this.changed = true;
    return this.requireAgent().exec(command, { timeoutMs });
  }

  /** Runs a command whose output is bytes, streamed to `port` (see EmulatorContract.execStream). */
  execStream(command: string, port: MessagePort, timeoutMs = 120_000, changesMachine = true): void {
    if (changesMachine) this.changed = true;
    const stop = new AbortController();
    port.onmessage = () => stop.abort();
    const post = (message: StreamMessage) => port.postMessage(message);
    // each piece is copied: moved (transferred) instead, the pieces never reached a service worker in Chromium
    const onStdout = (chunk: Uint8Array) => post({ type: 'data', chunk });
    this.requireAgent()
      .exec(command, { timeoutMs, signal: stop.signal, onStdout })
      .then(
        (r) => post({ type: 'end', exitCode: r.exitCode, stderr: r.stderr }),
        (error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => port.close());
  }

  /**
   * Opens a login shell on its own PTY, or with `attachTo` takes over a restored machine's
   * shell on that channel; its bytes flow through `port`. Returns the channel.
   */
  openTerminal(cols: number, rows: number, port: MessagePort, attachTo?: number): number {
    const agent = this.requireAgent();
    const onInput = (data: Uint8Array) => {
      this.changed = true;
      if (runsCommand(data)) this.running.abort();
    };
    const hooks = { onFirstOutput: () => this.warmUp(agent), onInput };
    return new TerminalBridge(agent, port, cols, rows, hooks, attachTo).channel;
  }

  /**
   * Plugs the guest's network card (eth0) into the page's virtual switch: frames the guest
   * sends go out on `port`, frames arriving on it go to the guest.
   */
  attachNetwork(port: MessagePort): void {
    if (!this.emulator) throw new Error(words.machine.notRunning);
    const deliver = attachNic(this.emulator, (frame) => port.postMessage(frame, [frame.buffer]));
    port.onmessage = (e: MessageEvent<Uint8Array>) => deliver(e.data);
  }

  /** Whether anything was typed or run since the last save (autosave skips an unchanged machine). */
  hasChanges(): boolean {
    return this.changed;
  }

  /** Saves the running machine into IndexedDB (see SnapshotStore for the safety rules). */
  async saveSnapshot(request: SaveRequest): Promise<SnapshotRecord> {
    const emulator = this.emulator;
    const agent = this.requireAgent();
    if (!emulator || !this.machine) throw new Error(words.machine.notRunning);
    // keeps the state to what only this machine has (about 100 MB raw instead of 200-260
    // after a lab); a guest too busy to answer is still the trainee's work: save it as it is.
    // The autosave's first full save skips it: it takes the guest's CPU for up to 20 s, while
    // the trainee's first work is not yet saved at all; the chain's later full saves compact.
    const firstOfChain = request.extendLater && !this.chain;
    if (!firstOfChain) await agent.exec(SHRINK_GUEST_MEMORY, { timeoutMs: 30_000 }).catch(() => {});
    const changedBefore = this.changed;
    this.changed = false;
    // taken when no disk read is in flight (see DiskWatch)
    await this.disk?.idle(30_000);
    // its memory pages at its end, as in the image's snapshot: a reload copies them once (restore-memory.ts)
    const state = movePagesToEnd(await takeState(emulator));
    try {
      const session = { ...request.session, nextChannel: agent.nextChannelId };
      const { name, kind, checkpoint } = request;
      const record = await this.store.save({ ...this.machine, name, kind, session, checkpoint }, state, request.replaces);
      if (request.extendLater) this.chain = { id: record.id, index: Promise.resolve(indexState(state)), deltas: 0, storedBytes: record.storedSize };
      else if (this.chain?.id === request.replaces) this.chain = null;
      return record;
    } catch (error) {
      this.changed ||= changedBefore;
      throw error;
    }
  }

  /**
   * Saves what changed since the machine's last save, as a delta of it (state-delta.ts): a
   * second or two, and a few MiB, where a full save takes tens of seconds. Null when there is
   * no saved state to extend (a fresh machine, a named save restored), or the chain is at its
   * end: the page then makes a full save.
   */
  async saveChanges(session: Omit<SessionInfo, 'nextChannel'>): Promise<ChangesSaved | FullSaveNeeded> {
    const emulator = this.emulator;
    const agent = this.requireAgent();
    const chain = this.chain;
    if (!emulator || !chain) return { fullSave: 'first' };
    if (chain.deltas >= MAX_DELTAS) return { fullSave: 'compact' };
    const started = performance.now();
    const before = await chain.index.catch(() => null);
    if (!before || this.chain !== chain) return { fullSave: 'first' };
    const changedBefore = this.changed;
    this.changed = false;
    try {
      await this.disk?.idle(30_000);
      const taken = performance.now();
      const state = movePagesToEnd(await takeState(emulator));
      const stateMs = performance.now() - taken;
      const { delta, index, changedPages } = makeDelta(before, state);
      const record = await this.store.appendDelta(chain.id, delta, { ...session, nextChannel: agent.nextChannelId });
      const storedBytes = record.storedSize - chain.storedBytes;
      this.chain = { id: chain.id, index: Promise.resolve(index), deltas: chain.deltas + 1, storedBytes: record.storedSize };
      const compact = this.chain.deltas >= COMPACT_AFTER_DELTAS || record.storedSize - record.pieces.reduce((n, p) => n + p.size, 0) >= COMPACT_AFTER_BYTES;
      return { record, storedBytes, changedPages, stateMs, totalMs: performance.now() - started, compact };
    } catch (error) {
      this.changed ||= changedBefore;
      // the record went (deleted, replaced): the next save is a full one
      if (this.chain === chain) this.chain = null;
      throw error;
    }
  }

  /**
   * The guest's warm-up (src/vm/warm-up.ts: Kubernetes' where its control plane runs, else
   * Docker's), once the first prompt is on screen (not before: it would slow that prompt),
   * stopped by the first command the trainee runs (typing goes on beside it).
   */
  private warmUp(agent: AgentClient): void {
    if (this.warmedUp) return;
    this.warmedUp = true;
    // only speed is lost if it fails (a trainee who stopped dockerd, say): say so in the console
    const running = this.running.signal;
    const stopped = () => (running.aborted ? ', stopped by the first command' : '');
    void warmUpSteps(agent, running)
      .then(async (steps) => `The warm-up: ${await warmUp(agent, steps, running)} of ${steps.length} steps${stopped()}`)
      .then(
        (said) => console.info(said),
        (error: unknown) => (running.aborted ? console.info(`The warm-up: none${stopped()}`) : console.warn(String(error))),
      );
  }

  async pause(): Promise<void> {
    await this.emulator?.stop();
  }

  async resume(): Promise<void> {
    await this.emulator?.run();
  }

  async saveState(): Promise<ArrayBuffer> {
    if (!this.emulator) throw new Error(words.machine.notRunning);
    const state = await this.emulator.save_state();
    return Comlink.transfer(state, [state]);
  }

  async destroy(): Promise<void> {
    this.agent?.abortAll('the guest was stopped');
    await this.emulator?.destroy();
    await this.closeWrittenStore();
    this.emulator = null;
    this.agent = null;
    this.warmedUp = false;
    this.running = new AbortController();
  }

  private async closeWrittenStore(): Promise<void> {
    const store = this.writtenStore;
    this.writtenStore = undefined;
    await store?.close();
  }

  private requireAgent(): AgentClient {
    if (!this.agent) throw new Error(words.machine.notRunning);
    return this.agent;
  }
}

Comlink.expose(new EmulatorApi());
