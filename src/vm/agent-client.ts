/**
 * Host side of the guest agent: runs commands in the guest and opens login shells on
 * their own pseudo-terminals, over one byte stream (a virtio-console port).
 * Transport-agnostic: the Node runner and the browser worker both feed it bytes.
 */
import { FrameDecoder, FrameType, encodeFrame, type Frame } from './agent-protocol';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

export interface ExecOptions {
  /** Give up (and kill the command in the guest) after this long. */
  timeoutMs?: number;
  /** Give up (and kill the command in the guest) when this signal aborts. */
  signal?: AbortSignal;
  /** Output as it arrives, for long commands. */
  onStdout?: (chunk: Uint8Array) => void;
  onStderr?: (chunk: Uint8Array) => void;
}

export class AgentError extends Error {
  override name = 'AgentError';
}
export class AgentTimeoutError extends AgentError {
  override name = 'AgentTimeoutError';
}

export interface PtyHandle {
  readonly channel: number;
  write(data: Uint8Array | string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

interface Pending {
  onFrame(frame: Frame): void;
  fail(error: Error): void;
}

const utf8 = new TextEncoder();
const decode = (chunks: Uint8Array[]) => new TextDecoder().decode(concat(chunks));

export class AgentClient {
  private readonly decoder = new FrameDecoder((frame) => this.dispatch(frame));
  private readonly channels = new Map<number, Pending>();
  private readonly pongWaiters = new Set<(version: string) => void>();
  private nextChannel = 1;

  /** @param send writes bytes to the guest's agent port */
  constructor(private readonly send: (bytes: Uint8Array) => void) {}

  /** Bytes read from the agent port. */
  receive(bytes: Uint8Array): void {
    this.decoder.push(bytes);
  }

  /** Resolves with the agent's version once it answers; pings every second until then. */
  async waitReady(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let answered: string | null = null;
    const onPong = (version: string) => (answered = version);
    this.pongWaiters.add(onPong);
    try {
      while (answered === null) {
        if (Date.now() > deadline) {
          throw new AgentTimeoutError(`the guest agent did not answer within ${Math.round(timeoutMs / 1000)} s`);
        }
        this.send(encodeFrame(FrameType.Ping, 0));
        await sleepUntil(() => answered !== null, Math.min(1000, Math.max(0, deadline - Date.now())));
      }
      return answered;
    } finally {
      this.pongWaiters.delete(onPong);
    }
  }

  /**
   * Waits, without writing, for the hello the agent sends when it starts (cold boot).
   * Nothing may be written to the port before: v86's console device drops its queue.
   */
  waitHello(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pongWaiters.delete(onPong);
        reject(new AgentTimeoutError(`the guest agent did not start within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const onPong = (version: string) => {
        clearTimeout(timer);
        this.pongWaiters.delete(onPong);
        resolve(version);
      };
      this.pongWaiters.add(onPong);
    });
  }

  /**
   * A cold boot's wait: the hello, without writing (a ping written before the guest's console
   * is up is echoed by its tty and garbles the stream); if the hello was missed (seen once on
   * a loaded host), the console is long up by then, so ask.
   */
  waitColdStart(helloMs: number, timeoutMs: number): Promise<string> {
    return this.waitHello(Math.min(helloMs, timeoutMs)).catch(() => this.waitReady(timeoutMs));
  }

  /**
   * A restored guest wakes with the clock of its snapshot: set it to `now`. The agent does it
   * itself (no program to start, whose pages would come from the lazy disk).
   */
  async setClock(now: Date = new Date()): Promise<void> {
    await this.request(FrameType.SetClock, String(now.getTime()), 'the clock change', { timeoutMs: 120_000 });
  }

  /** Runs `sh -c command` in the guest (stdin is /dev/null). */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.request(FrameType.Exec, command, `\`${abbreviate(command)}\``, options);
  }

  /** Sends a request on a new channel and collects its output until it exits; `what` names it in errors. */
  private request(type: FrameType, payload: string, what: string, options: ExecOptions): Promise<ExecResult> {
    const { timeoutMs = 120_000, signal } = options;
    if (signal?.aborted) return Promise.reject(new AgentError(`${what} was stopped before it started`));
    const channel = this.allocate();
    const started = Date.now();
    const stdout: Uint8Array[] = [];
    const stderr: Uint8Array[] = [];
    return new Promise<ExecResult>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.channels.delete(channel);
      };
      // the agent kills the command when its channel closes
      const giveUp = (error: Error) => {
        done();
        this.send(encodeFrame(FrameType.Close, channel));
        reject(error);
      };
      const timer = setTimeout(() => giveUp(new AgentTimeoutError(`the guest did not finish ${what} within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      const onAbort = () => giveUp(new AgentError(`${what} was stopped`));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.channels.set(channel, {
        onFrame: (frame) => {
          switch (frame.type) {
            case FrameType.Stdout:
              stdout.push(frame.payload);
              options.onStdout?.(frame.payload);
              break;
            case FrameType.Stderr:
              stderr.push(frame.payload);
              options.onStderr?.(frame.payload);
              break;
            case FrameType.Exit:
              done();
              resolve({
                stdout: decode(stdout),
                stderr: decode(stderr),
                exitCode: Number(new TextDecoder().decode(frame.payload)),
                durationMs: Date.now() - started,
              });
              break;
            case FrameType.Error:
              done();
              reject(new AgentError(`the guest agent could not run ${what}: ${new TextDecoder().decode(frame.payload)}`));
              break;
          }
        },
        fail: (error) => {
          done();
          reject(error);
        },
      });
      this.send(encodeFrame(type, channel, payload));
    });
  }

  /** Opens a login shell on a new pseudo-terminal in the guest. */
  openPty(cols: number, rows: number, onOutput: (data: Uint8Array) => void, onExit: (code: number) => void): PtyHandle {
    const pty = this.attachPty(this.allocate(), onOutput, onExit);
    this.send(encodeFrame(FrameType.PtyOpen, pty.channel, `${cols} ${rows}`));
    return pty;
  }

  /**
   * Takes over a shell the guest already runs on `channel`: after restoring a saved machine,
   * the shells of its terminals are still there.
   */
  attachPty(channel: number, onOutput: (data: Uint8Array) => void, onExit: (code: number) => void): PtyHandle {
    this.channels.set(channel, {
      onFrame: (frame) => {
        if (frame.type === FrameType.PtyOutput) onOutput(frame.payload);
        else if (frame.type === FrameType.Exit || frame.type === FrameType.Error) {
          this.channels.delete(channel);
          onExit(frame.type === FrameType.Exit ? Number(new TextDecoder().decode(frame.payload)) : -1);
        }
      },
      fail: () => {
        this.channels.delete(channel);
        onExit(-1);
      },
    });
    return {
      channel,
      write: (data) => this.send(encodeFrame(FrameType.Input, channel, typeof data === 'string' ? utf8.encode(data) : data)),
      resize: (c, r) => this.send(encodeFrame(FrameType.Resize, channel, `${c} ${r}`)),
      close: () => this.send(encodeFrame(FrameType.Close, channel)),
    };
  }

  /** The next channel number this client will use; saved with a machine (see skipChannels). */
  get nextChannelId(): number {
    return this.nextChannel;
  }

  /** A restored machine may still run shells on channels below `next`: never reuse them. */
  skipChannels(next: number): void {
    if (next > this.nextChannel && next < 0x7fffffff) this.nextChannel = next;
  }

  /** Fails every pending call, e.g. when the emulator stops. */
  abortAll(reason: string): void {
    for (const pending of [...this.channels.values()]) pending.fail(new AgentError(reason));
  }

  private allocate(): number {
    const channel = this.nextChannel;
    this.nextChannel = this.nextChannel >= 0x7fffffff ? 1 : this.nextChannel + 1;
    return channel;
  }

  private dispatch(frame: Frame): void {
    if (frame.type === FrameType.Pong) {
      const version = new TextDecoder().decode(frame.payload);
      for (const waiter of this.pongWaiters) waiter(version);
      return;
    }
    this.channels.get(frame.channel)?.onFrame(frame);
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function abbreviate(command: string): string {
  return command.length > 60 ? `${command.slice(0, 57)}...` : command;
}

function sleepUntil(condition: () => boolean, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = () => (condition() || Date.now() - started >= maxMs ? resolve() : setTimeout(tick, 20));
    tick();
  });
}
