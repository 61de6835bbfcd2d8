/** The status bar: what the guest is doing, download progress, guest memory, errors with a retry. */
import { t } from '../i18n/page';
import type { Progress } from '../../workers/emulator-contract';

export interface StatusAction {
  label: string;
  run: () => void;
}

const buttons = (actions: StatusAction[]) =>
  actions.map(({ label, run }) => {
    const button = document.createElement('button');
    button.textContent = label;
    button.onclick = run;
    return button;
  });

export class StatusBar {
  private readonly text: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly memory: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly note: HTMLElement;
  private readonly noteBar: HTMLProgressElement;
  private readonly noteActions: HTMLElement;

  constructor(private readonly root: HTMLElement) {
    root.innerHTML = `<span class="state" role="status" aria-live="polite"></span>
      <progress hidden></progress><span class="actions"></span><span class="note" role="status" aria-live="polite"></span>
      <progress class="note-progress" hidden></progress><span class="note-actions"></span><span class="memory"></span>`;
    this.text = root.querySelector('.state')!;
    this.bar = root.querySelector('progress')!;
    this.memory = root.querySelector('.memory')!;
    this.actions = root.querySelector('.actions')!;
    this.note = root.querySelector('.note')!;
    this.noteBar = root.querySelector('.note-progress')!;
    this.noteActions = root.querySelector('.note-actions')!;
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
      this.text.textContent = t.size.doing(p.message, p.loaded!, p.total!);
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
    this.actions.replaceChildren(...buttons(actions));
  }

  /** A note beside the state (a save done or failed, a question) that does not stop the machine. */
  notice(message: string, isWarning = false, actions: StatusAction[] = []): void {
    this.note.textContent = message;
    this.note.classList.toggle('warning', isWarning);
    this.noteBar.hidden = true;
    this.noteActions.replaceChildren(...buttons(actions));
  }

  /** A background task's progress beside the state (the offline download). */
  noticeProgress(message: string, loaded: number, total: number): void {
    this.notice(t.size.doing(message, loaded, total));
    this.noteBar.hidden = false;
    this.noteBar.max = total;
    this.noteBar.value = loaded;
  }

  memoryUse(usedBytes: number, totalBytes: number): void {
    this.memory.textContent = t.status.guestMemory(usedBytes, totalBytes);
  }
}
