/**
 * One terminal tab's link to its PTY in the guest: output is batched (the guest writes a few
 * bytes at a time) and posted as transferable chunks; input and resizes come back on the port.
 */
import type { AgentClient, PtyHandle } from '../src/vm/agent-client';

export type TerminalMessage = { type: 'input'; data: Uint8Array } | { type: 'resize'; cols: number; rows: number } | { type: 'close' };

export type TerminalEvent = { type: 'output'; data: Uint8Array } | { type: 'exit'; code: number };

const FLUSH_MS = 8;

export interface BridgeHooks {
  /** runs once, when the shell first writes (its prompt) */
  onFirstOutput?: () => void;
  /** the trainee typed these bytes: the machine may have changed */
  onInput?: (data: Uint8Array) => void;
}

export class TerminalBridge {
  private readonly pty: PtyHandle;
  private pending: Uint8Array[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** Opens a new login shell, or with `attachTo` takes over a restored machine's shell. */
  constructor(
    agent: AgentClient,
    private readonly port: MessagePort,
    cols: number,
    rows: number,
    private hooks: BridgeHooks = {},
    attachTo?: number,
  ) {
    const onExit = (code: number) => {
      this.flush();
      this.post({ type: 'exit', code });
      port.close();
    };
    this.pty =
      attachTo === undefined ? agent.openPty(cols, rows, (data) => this.queue(data), onExit) : agent.attachPty(attachTo, (data) => this.queue(data), onExit);
    if (attachTo !== undefined) this.pty.resize(cols, rows);
    port.onmessage = (event: MessageEvent<TerminalMessage>) => {
      const m = event.data;
      if (m.type === 'input') {
        this.pty.write(m.data);
        this.hooks.onInput?.(m.data);
      } else if (m.type === 'resize') this.pty.resize(m.cols, m.rows);
      else if (m.type === 'close') this.pty.close();
    };
  }

  get channel(): number {
    return this.pty.channel;
  }

  private queue(data: Uint8Array): void {
    this.hooks.onFirstOutput?.();
    this.hooks.onFirstOutput = undefined;
    this.pending.push(data);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const size = this.pending.reduce((n, c) => n + c.length, 0);
    const data = new Uint8Array(size);
    let offset = 0;
    for (const c of this.pending) {
      data.set(c, offset);
      offset += c.length;
    }
    this.pending = [];
    this.post({ type: 'output', data }, [data.buffer]);
  }

  private post(event: TerminalEvent, transfer: Transferable[] = []): void {
    this.port.postMessage(event, transfer);
  }
}
