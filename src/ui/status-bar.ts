/** The status bar: what the guest is doing, download progress, guest memory, errors with a retry. */
import type { Progress } from '../../workers/emulator.worker';

export interface StatusAction {
  label: string;
  run: () => void;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 1 : 0)} MB`;

export class StatusBar {
  private readonly text: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly memory: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly note: HTMLElement;

  constructor(private readonly root: HTMLElement) {
    root.innerHTML = `<span class="state" role="status" aria-live="polite"></span>
      <progress hidden></progress><span class="actions"></span><span class="note" role="status" aria-live="polite"></span><span class="memory"></span>`;
    this.text = root.querySelector('.state')!;
    this.bar = root.querySelector('progress')!;
    this.memory = root.querySelector('.memory')!;
    this.actions = root.querySelector('.actions')!;
    this.note = root.querySelector('.note')!;
  }

  progress(p: Progress): void {
    this.root.dataset.phase = p.phase;
    this.root.classList.remove('error');
    this.actions.replaceChildren();
    const known = p.total !== undefined && p.loaded !== undefined && p.total > 0;
    this.bar.hidden = !known;
    if (known) {
      this.bar.max = p.total!;
      this.bar.value = p.loaded!;
      this.text.textContent = `${p.message}: ${mib(p.loaded!)} of ${mib(p.total!)} (${Math.floor((100 * p.loaded!) / p.total!)} %)`;
    } else {
      this.text.textContent = p.message;
    }
  }

  /** A failure, with buttons for what the trainee can do about it. */
  error(message: string, actions: StatusAction[] = []): void {
    this.root.dataset.phase = 'error';
    this.root.classList.add('error');
    this.bar.hidden = true;
    this.text.textContent = message;
    this.actions.replaceChildren(
      ...actions.map(({ label, run }) => {
        const button = document.createElement('button');
        button.textContent = label;
        button.onclick = run;
        return button;
      }),
    );
  }

  /** A note beside the state (a save done or failed) that does not stop the machine. */
  notice(message: string, isWarning = false): void {
    this.note.textContent = message;
    this.note.classList.toggle('warning', isWarning);
  }

  memoryUse(usedBytes: number, totalBytes: number): void {
    this.memory.textContent = `guest memory ${mib(usedBytes)} / ${mib(totalBytes)}`;
  }
}
