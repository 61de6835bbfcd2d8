/**
 * The saved machines: restore, rename, delete, export to a file, import one, save under a
 * name, start fresh; with the space used and what the browser allows.
 */
import { describeUse, storageUse } from '../storage/quota';
import { errorText } from '../i18n';
import { t } from '../i18n/page';
import { exportFileName, exportSnapshot, importSnapshot } from '../storage/snapshot-file';
import type { MachineIdentity, SnapshotRecord, SnapshotStore } from '../storage/snapshot-store';

export interface SnapshotsPanelHost {
  /** the running machine's identity (imports are checked against it); null while none runs */
  machine(): MachineIdentity | null;
  restore(record: SnapshotRecord): void;
  fresh(): void;
  saveAs(name: string): Promise<SnapshotRecord | null>;
}

export class SnapshotsPanel {
  private readonly dialog: HTMLDialogElement;
  private readonly rows: HTMLTableSectionElement;
  private readonly usage: HTMLElement;
  private readonly message: HTMLElement;

  constructor(
    parent: HTMLElement,
    private readonly store: SnapshotStore,
    private readonly host: SnapshotsPanelHost,
  ) {
    this.dialog = document.createElement('dialog');
    this.dialog.className = 'snapshots';
    const w = t.saved;
    this.dialog.innerHTML = `<h2>${w.title}</h2>
      <p class="message" role="alert"></p>
      <table><thead><tr><th>${w.name}</th><th>${w.when}</th><th>${w.size}</th><th></th></tr></thead><tbody></tbody></table>
      <div class="toolbar">
        <button data-do="save-as">${w.saveAs}</button>
        <button data-do="import">${w.import}</button>
        <button data-do="fresh">${w.fresh}</button>
        <span style="flex:1"></span>
        <form method="dialog"><button>${w.close}</button></form>
      </div>
      <p class="usage"></p>
      <input type="file" accept=".labbox" hidden>`;
    parent.append(this.dialog);
    this.rows = this.dialog.querySelector('tbody')!;
    this.usage = this.dialog.querySelector('.usage')!;
    this.message = this.dialog.querySelector('.message')!;
    const file = this.dialog.querySelector<HTMLInputElement>('input[type=file]')!;
    file.onchange = () => {
      const chosen = file.files?.[0];
      file.value = '';
      if (chosen) void this.importFile(chosen);
    };
    this.dialog.querySelector<HTMLButtonElement>('[data-do=import]')!.onclick = () => file.click();
    this.dialog.querySelector<HTMLButtonElement>('[data-do=fresh]')!.onclick = () => {
      this.dialog.close();
      this.host.fresh();
    };
    this.dialog.querySelector<HTMLButtonElement>('[data-do=save-as]')!.onclick = () => void this.saveAs();
  }

  get isOpen(): boolean {
    return this.dialog.open;
  }

  /** Opens the panel; `message` says why (a snapshot that would not restore, say). */
  async show(message = ''): Promise<void> {
    this.say(message);
    if (!this.dialog.open) this.dialog.showModal();
    await this.render();
  }

  async render(): Promise<void> {
    const list = await this.store.list().catch((error) => {
      this.say(t.saved.unreadable(errorText(error, t)));
      return [];
    });
    this.rows.replaceChildren(...list.map((record) => this.row(record)));
    if (list.length === 0) {
      const cell = this.rows.insertRow().insertCell();
      cell.colSpan = 4;
      cell.textContent = t.saved.empty;
    }
    const use = await storageUse().catch(() => null);
    this.usage.textContent = use ? describeUse(use, t) : t.size.unknownQuota;
  }

  private row(record: SnapshotRecord): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.id = record.id;
    const w = t.saved;
    const title = record.kind === 'named' ? record.name : w.kind(record.name, record.kind === 'auto' ? w.automatic : w.checkpoint);
    const nodes = record.session.cluster?.length;
    // the browser's own date format when it speaks the page's language, else that language's
    const locale = navigator.language.toLowerCase().startsWith(t.code) ? undefined : t.code;
    const cells = [nodes ? w.cluster(title, nodes) : title, new Date(record.createdAt).toLocaleString(locale), t.size.megabytes(record.storedSize)];
    for (const text of cells) tr.insertCell().textContent = text;
    const actions = tr.insertCell();
    actions.className = 'actions';
    const button = (label: string, run: () => void | Promise<void>) => {
      const b = document.createElement('button');
      b.textContent = label;
      b.onclick = () => void Promise.resolve(run()).catch((error) => this.say(errorText(error, t)));
      actions.append(b);
    };
    button(w.restore, () => {
      this.dialog.close();
      this.host.restore(record);
    });
    button(w.rename, async () => {
      const name = prompt(w.newName, record.name)?.trim();
      if (name) {
        await this.store.rename(record.id, name);
        await this.render();
      }
    });
    button(w.export, async () => {
      const blob = await exportSnapshot(this.store, record.id);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = exportFileName(record);
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    });
    button(w.delete, async () => {
      if (!confirm(w.confirmDelete(record.name))) return;
      await this.store.remove(record.id);
      await this.render();
    });
    return tr;
  }

  private async saveAs(): Promise<void> {
    const name = prompt(t.saved.askName)?.trim();
    if (!name) return;
    this.say(t.saved.saving);
    const record = await this.host.saveAs(name);
    this.say(record ? t.saved.savedAs(record.name) : t.saved.notSaved);
    await this.render();
  }

  private async importFile(file: File): Promise<void> {
    const machine = this.host.machine();
    if (!machine) return this.say(t.saved.startFirst);
    this.say(t.saved.importing(file.name));
    try {
      const record = await importSnapshot(this.store, file, machine);
      this.say(t.saved.imported(record.name));
    } catch (error) {
      this.say(t.saved.notImported(file.name, errorText(error, t)));
    }
    await this.render();
  }

  private say(message: string): void {
    this.message.textContent = message;
  }
}
