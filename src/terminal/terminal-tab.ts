/**
 * One terminal tab: an xterm.js terminal bound to its own login shell (PTY) in the guest.
 * Text is rendered in the DOM with screen-reader mode on, so people using assistive
 * technology, and browser tests, read what is on screen.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import type { TerminalEvent, TerminalMessage } from '../../workers/terminal-bridge';

export interface TerminalHost {
  /** asks the worker for a new PTY whose bytes flow through `port` */
  openTerminal(cols: number, rows: number, port: MessagePort): Promise<number>;
}

export class TerminalTab {
  readonly terminal: Terminal;
  readonly search = new SearchAddon();
  private readonly fitAddon = new FitAddon();
  private port: MessagePort | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private exited = false;

  constructor(
    readonly element: HTMLElement,
    private readonly onExit: (code: number) => void,
  ) {
    this.terminal = new Terminal({
      screenReaderMode: true,
      cursorBlink: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      scrollback: 5000,
      theme: { background: '#101418' },
    });
    this.terminal.loadAddon(this.fitAddon);
    this.terminal.loadAddon(this.search);
    this.terminal.loadAddon(new WebLinksAddon());
    this.terminal.attachCustomKeyEventHandler((e) => this.handleClipboardKeys(e));
  }

  async open(host: TerminalHost): Promise<void> {
    this.terminal.open(this.element);
    this.fitAddon.fit();
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.port.onmessage = (event: MessageEvent<TerminalEvent>) => {
      const m = event.data;
      if (m.type === 'output') this.terminal.write(m.data);
      else this.exit(m.code);
    };
    await host.openTerminal(this.terminal.cols, this.terminal.rows, channel.port2);
    const encoder = new TextEncoder();
    this.terminal.onData((data) => this.send({ type: 'input', data: encoder.encode(data) }));
    this.terminal.onBinary((data) => this.send({ type: 'input', data: Uint8Array.from(data, (c) => c.charCodeAt(0)) }));
    this.terminal.onResize(({ cols, rows }) => this.send({ type: 'resize', cols, rows }));
    this.resizeObserver = new ResizeObserver(() => this.fit());
    this.resizeObserver.observe(this.element);
  }

  /** Types text into the shell, as if the trainee had (used by "run in terminal"). */
  type(text: string): void {
    this.send({ type: 'input', data: new TextEncoder().encode(text) });
  }

  fit(): void {
    if (this.element.offsetParent !== null) this.fitAddon.fit();
  }

  focus(): void {
    this.terminal.focus();
  }

  close(): void {
    if (!this.exited) this.send({ type: 'close' });
    this.dispose();
  }

  private exit(code: number): void {
    this.exited = true;
    this.terminal.write(`\r\n\x1b[2m[the shell exited with code ${code}]\x1b[0m\r\n`);
    this.onExit(code);
  }

  private dispose(): void {
    this.resizeObserver?.disconnect();
    this.port?.close();
    this.terminal.dispose();
  }

  private send(message: TerminalMessage): void {
    if (!this.exited) this.port?.postMessage(message);
  }

  /** Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (Ctrl+C stays the shell's interrupt). */
  private handleClipboardKeys(e: KeyboardEvent): boolean {
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
    if (e.code === 'KeyC') {
      const text = this.terminal.getSelection();
      if (text) void navigator.clipboard?.writeText(text);
      return false;
    }
    if (e.code === 'KeyV') {
      void navigator.clipboard?.readText().then((text) => this.terminal.paste(text));
      return false;
    }
    return true;
  }
}
