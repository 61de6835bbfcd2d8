/**
 * The editor pane beside the terminals: `labbox-edit FILE` (or the page) opens a guest file
 * in CodeMirror; Save writes it back through the agent, into the file itself (its mode and
 * owner kept), unless the guest's file changed since it was read: then the pane says so and
 * offers to reload it or to overwrite it. Text files up to MAX_EDIT_BYTES.
 */
import { t } from '../i18n/page';
import { clockTime } from '../i18n/format';
import { ChangedMeanwhileError, GuestFileError, readGuestFile, writeGuestFile, type GuestExec } from '../files/guest-files';
import { sha256Hex } from '../storage/digest';
import type { CodeView } from './code-view';

/** The largest file the editor opens: beyond, a terminal editor suits better. */
export const MAX_EDIT_BYTES = 2 ** 20;

export interface EditorHost {
  /** runs commands on the main machine or on a cluster node; null when it is not running */
  exec(node?: string): GuestExec | null;
  /** the pane opened or closed: the terminals fit the room left */
  resized(): void;
}

interface OpenFile {
  path: string;
  node?: string;
  /** the guest file's SHA-256 when last read or written; '' when it did not exist */
  sha256: string;
}

export class EditorPane {
  private view: CodeView | null = null;
  private file: OpenFile | null = null;
  private dirty = false;
  private readonly title = document.createElement('h2');
  private readonly message = document.createElement('p');
  private readonly actions = document.createElement('span');
  private readonly area = document.createElement('div');

  constructor(
    private readonly element: HTMLElement,
    private readonly host: EditorHost,
  ) {
    element.hidden = true;
    const bar = document.createElement('div');
    bar.className = 'editor-bar';
    const save = this.button(t.editor.save, 'editor-save', () => void this.save(false));
    save.title = t.editor.saveTitle;
    const close = this.button(t.editor.close, 'editor-close', () => this.close());
    this.message.className = 'editor-message';
    this.message.setAttribute('role', 'status');
    this.actions.className = 'editor-actions';
    this.area.className = 'editor-area';
    const limits = document.createElement('p');
    limits.className = 'editor-limits';
    limits.textContent = t.editor.limits(MAX_EDIT_BYTES);
    bar.append(this.title, save, close);
    element.append(bar, this.message, this.actions, this.area, limits);
  }

  /** The file open in the pane, if any (its guest path). */
  get path(): string | null {
    return this.file?.path ?? null;
  }

  /** Opens a guest file (an absolute path) in the pane, on `node` when given. */
  async open(path: string, node?: string): Promise<void> {
    if (this.dirty && !confirm(t.editor.closeUnsaved)) return;
    this.clear();
    this.element.hidden = false;
    this.host.resized();
    this.title.textContent = t.editor.title(node ? `${node}:${path}` : path);
    this.say(t.editor.opening(path));
    const exec = this.host.exec(node);
    if (!exec) return this.say(t.files.notRunning, true);
    let text: string;
    let sha256: string;
    try {
      const read = await readGuestFile(exec, path, MAX_EDIT_BYTES);
      text = read ? new TextDecoder('utf-8', { fatal: true }).decode(read.bytes) : '';
      sha256 = read?.sha256 ?? '';
    } catch (error) {
      return this.say(this.why(error, path), true);
    }
    const { createCodeView } = await import('./code-view');
    this.file = { path, node, sha256 };
    this.view = createCodeView(this.area, path, text, { save: () => void this.save(false), changed: () => this.markDirty(true) });
    this.say(sha256 ? '' : t.editor.newFile);
    this.element.dataset.path = path;
    this.view.focus();
  }

  /** Writes the text to the guest file; `overwrite` even when the guest's file changed meanwhile. */
  async save(overwrite: boolean): Promise<void> {
    const file = this.file;
    const view = this.view;
    if (!file || !view) return;
    const exec = this.host.exec(file.node);
    if (!exec) return this.say(t.files.notRunning, true);
    const bytes = new TextEncoder().encode(view.text());
    this.say(t.editor.saving);
    this.actions.replaceChildren();
    try {
      await writeGuestFile(exec, file.path, bytes, { expectSha256: overwrite ? undefined : file.sha256, inPlace: true });
    } catch (error) {
      if (!(error instanceof ChangedMeanwhileError)) return this.say(t.editor.failed(this.why(error, file.path)), true);
      this.say(t.editor.changedMeanwhile, true);
      const reload = this.button(t.editor.reload, 'editor-reload', () => void this.reload());
      reload.title = t.editor.reloadTitle;
      this.actions.replaceChildren(
        reload,
        this.button(t.editor.overwrite, 'editor-overwrite', () => void this.save(true)),
      );
      return;
    }
    if (this.file !== file) return;
    file.sha256 = await sha256Hex(bytes);
    this.markDirty(false);
    this.say(t.editor.savedAt(clockTime(new Date(), true)));
  }

  /** Reads the guest's file again, over the text in the pane. */
  async reload(): Promise<void> {
    const file = this.file;
    const exec = file && this.host.exec(file.node);
    if (!file || !exec || !this.view) return;
    this.actions.replaceChildren();
    try {
      const read = await readGuestFile(exec, file.path, MAX_EDIT_BYTES);
      this.view.setText(read ? new TextDecoder('utf-8', { fatal: true }).decode(read.bytes) : '');
      file.sha256 = read?.sha256 ?? '';
      this.markDirty(false);
      this.say('');
    } catch (error) {
      this.say(this.why(error, file.path), true);
    }
  }

  close(): void {
    if (this.dirty && !confirm(t.editor.closeUnsaved)) return;
    this.clear();
    this.element.hidden = true;
    this.host.resized();
  }

  private clear(): void {
    this.view?.destroy();
    this.view = null;
    this.file = null;
    this.markDirty(false);
    this.actions.replaceChildren();
    delete this.element.dataset.path;
  }

  private markDirty(dirty: boolean): void {
    this.dirty = dirty;
    this.element.classList.toggle('unsaved', dirty);
    this.title.title = dirty ? t.editor.unsaved : '';
  }

  private why(error: unknown, path: string): string {
    if (error instanceof TypeError) return t.editor.notText(path);
    if (error instanceof GuestFileError && error.message === 'folder') return t.editor.folder(path);
    if (error instanceof GuestFileError && error.message === 'too big') return t.editor.tooBig(MAX_EDIT_BYTES);
    return t.editor.failed(error instanceof Error ? error.message : String(error));
  }

  private say(text: string, warn = false): void {
    this.message.textContent = text;
    this.message.classList.toggle('warn', warn);
  }

  private button(label: string, className: string, run: () => void): HTMLButtonElement {
    const b = document.createElement('button');
    b.textContent = label;
    b.className = className;
    b.onclick = run;
    return b;
  }
}
