/**
 * One terminal tab: an xterm.js terminal bound to its own login shell (PTY) in the guest.
 * Text is rendered in the DOM with screen-reader mode on, so people using assistive
 * technology, and browser tests, read what is on screen.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { SerializeAddon } from '@xterm/addon-serialize';
import { WebLinksAddon } from '@xterm/addon-web-links';
import type { TerminalEvent, TerminalMessage } from '../../workers/terminal-bridge';
import type { SavedTerminal } from '../storage/snapshot-store';
import { EarlyInput, EARLY_INPUT_LIMIT } from './early-input';
import { t } from '../i18n/page';

export interface TerminalHost {
  /**
   * asks the worker for a new PTY, or with `attachTo` for a restored machine's shell on that
   * channel; its bytes flow through `port`; resolves with the channel
   */
  openTerminal(cols: number, rows: number, port: MessagePort, attachTo?: number): Promise<number>;
}

// xterm.js's own words for screen readers, in the page's language
Terminal.strings.promptLabel = t.terminals.inputLabel;
Terminal.strings.tooMuchOutput = t.terminals.tooMuchOutput;

/** Lines of scrollback kept with a saved machine: enough context, a small record. */
const SAVED_SCROLLBACK = 300;

export class TerminalTab {
  readonly terminal: Terminal;
  readonly search = new SearchAddon();
  private readonly fitAddon = new FitAddon();
  private readonly serializer = new SerializeAddon();
  /** the guest agent's channel for this shell, once open */
  channel = -1;
  private port: MessagePort | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private exited = false;
  /** input typed before the shell is attached; null once it is */
  private early: EarlyInput | null = new EarlyInput();
  private shown!: () => void;
  /** resolves once the shell's prompt is on screen: its first output, or its saved screen once attached */
  readonly firstOutput = new Promise<void>((resolve) => (this.shown = resolve));

  constructor(
    readonly element: HTMLElement,
    public title: string,
    private readonly onExit: (code: number) => void,
  ) {
    this.terminal = new Terminal({
      screenReaderMode: true,
      // a steady cursor: the DOM renderer blinks with a CSS animation that redraws the page at
      // 60 frames a second, a tenth of a core taken from the emulator even while nothing happens
      cursorBlink: false,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      scrollback: 5000,
      theme: { background: '#101418' },
    });
    this.terminal.loadAddon(this.fitAddon);
    this.terminal.loadAddon(this.search);
    this.terminal.loadAddon(new WebLinksAddon());
    this.terminal.loadAddon(this.serializer);
    this.terminal.attachCustomKeyEventHandler((e) => this.handleClipboardKeys(e));
    // listened to from the start: keys typed while the machine restores are kept for its shell
    const encoder = new TextEncoder();
    this.terminal.onData((data) => this.input(encoder.encode(data)));
    this.terminal.onBinary((data) => this.input(Uint8Array.from(data, (c) => c.charCodeAt(0))));
  }

  /** Lays the terminal out in its element: xterm's open and first fit (about 0.2 s), once. */
  mount(): void {
    if (this.terminal.element) return; // xterm sets it in open()
    this.terminal.open(this.element);
    this.fitAddon.fit();
  }

  /** Opens a new shell, or reattaches a restored machine's shell and shows its saved screen. */
  async open(host: TerminalHost, saved?: SavedTerminal): Promise<void> {
    this.mount();
    if (saved) this.terminal.write(saved.screen);
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.port.onmessage = (event: MessageEvent<TerminalEvent>) => {
      const m = event.data;
      if (m.type === 'output') this.terminal.write(m.data, this.shown);
      else this.exit(m.code);
    };
    this.channel = await host.openTerminal(this.terminal.cols, this.terminal.rows, channel.port2, saved?.channel);
    // a shell taken over is on screen once attached: its saved screen is there already
    if (saved) this.terminal.write('', this.shown);
    this.deliverEarlyInput();
    this.terminal.onResize(({ cols, rows }) => this.send({ type: 'resize', cols, rows }));
    this.resizeObserver = new ResizeObserver(() => this.fit());
    this.resizeObserver.observe(this.element);
  }

  /** What to save with the machine; null once the shell has exited. */
  saved(): SavedTerminal | null {
    if (this.exited || this.channel < 0) return null;
    return { channel: this.channel, title: this.title, screen: this.serializer.serialize({ scrollback: SAVED_SCROLLBACK }) };
  }

  /** Types text into the shell, as if the trainee had (used by "run in terminal"). */
  type(text: string): void {
    this.input(new TextEncoder().encode(text));
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
    this.terminal.write(`\r\n\x1b[2m${t.terminals.exited(code)}\x1b[0m\r\n`);
    this.onExit(code);
  }

  private dispose(): void {
    this.resizeObserver?.disconnect();
    this.port?.close();
    this.terminal.dispose();
  }

  /** Keys for the shell: sent once it is attached, kept for it until then. */
  private input(data: Uint8Array): void {
    if (this.early) this.early.add(data);
    else this.send({ type: 'input', data });
  }

  /** The shell is attached: what was typed meanwhile goes to it, in order. */
  private deliverEarlyInput(): void {
    const { chunks, dropped } = this.early?.take() ?? { chunks: [], dropped: 0 };
    this.early = null;
    for (const data of chunks) this.send({ type: 'input', data });
    if (dropped > 0) {
      this.terminal.write(`\r\n\x1b[2m${t.terminals.dropped(dropped, EARLY_INPUT_LIMIT / 1024)}\x1b[0m\r\n`);
    }
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
