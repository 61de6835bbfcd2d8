/** The status bar: what the guest is doing, download progress, guest memory, errors with a retry. */
import type { Progress } from '../../workers/emulator.worker';

const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 1 : 0)} MB`;

export class StatusBar {
  private readonly text: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly memory: HTMLElement;
  private readonly retry: HTMLButtonElement;

  constructor(private readonly root: HTMLElement) {
    root.innerHTML = `<span class="state" role="status" aria-live="polite"></span>
      <progress hidden></progress><button class="retry" hidden>Retry</button><span class="memory"></span>`;
    this.text = root.querySelector('.state')!;
    this.bar = root.querySelector('progress')!;
    this.memory = root.querySelector('.memory')!;
    this.retry = root.querySelector('.retry')!;
  }

  progress(p: Progress): void {
    this.root.dataset.phase = p.phase;
    this.root.classList.remove('error');
    this.retry.hidden = true;
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

  error(message: string, onRetry?: () => void): void {
    this.root.dataset.phase = 'error';
    this.root.classList.add('error');
    this.bar.hidden = true;
    this.text.textContent = message;
    this.retry.hidden = !onRetry;
    this.retry.onclick = onRetry ? () => onRetry() : null;
  }

  memoryUse(usedBytes: number, totalBytes: number): void {
    this.memory.textContent = `guest memory ${mib(usedBytes)} / ${mib(totalBytes)}`;
  }
}
