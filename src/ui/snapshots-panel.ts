/**
 * The saved machines: restore, rename, delete, export to a file, import one, save under a
 * name, start fresh; with the space used and what the browser allows.
 */
import { describeUse, megabytes, storageUse } from '../storage/quota';
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
  private readonly rows: HTMLElement;
  private readonly usage: HTMLElement;
  private readonly message: HTMLElement;

  constructor(parent: HTMLElement, private readonly store: SnapshotStore, private readonly host: SnapshotsPanelHost) {
    this.dialog = document.createElement('dialog');
    this.dialog.className = 'snapshots';
    this.dialog.innerHTML = `<h2>Saved machines</h2>
      <p class="message" role="alert"></p>
      <table><thead><tr><th>Name</th><th>Saved</th><th>Size</th><th></th></tr></thead><tbody></tbody></table>
      <div class="toolbar">
        <button data-do="save-as">Save as…</button>
        <button data-do="import">Import a file…</button>
        <button data-do="fresh">Start a fresh machine</button>
        <span style="flex:1"></span>
        <form method="dialog"><button>Close</button></form>
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
      this.say(`The saved machines could not be read: ${(error as Error).message}`);
      return [];
    });
    this.rows.replaceChildren(...list.map((record) => this.row(record)));
    if (list.length === 0) this.rows.innerHTML = '<tr><td colspan="4">Nothing saved yet. The machine saves itself every few minutes while you work, and when you leave the page.</td></tr>';
    const use = await storageUse().catch(() => null);
    this.usage.textContent = use ? describeUse(use) : 'This browser does not say how much it can store.';
  }

  private row(record: SnapshotRecord): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.id = record.id;
    const title = record.kind === 'named' ? record.name : `${record.name} (${record.kind === 'auto' ? 'automatic' : 'start of a lab step'})`;
    const nodes = record.session.cluster?.length;
    const cells = [nodes ? `${title} · cluster of ${nodes} nodes` : title, new Date(record.createdAt).toLocaleString(), megabytes(record.storedSize)];
    for (const text of cells) tr.insertCell().textContent = text;
    const actions = tr.insertCell();
    actions.className = 'actions';
    const button = (label: string, run: () => void | Promise<void>) => {
      const b = document.createElement('button');
      b.textContent = label;
      b.onclick = () => void Promise.resolve(run()).catch((error) => this.say((error as Error).message));
      actions.append(b);
    };
    button('Restore', () => {
      this.dialog.close();
      this.host.restore(record);
    });
    button('Rename', async () => {
      const name = prompt('New name for this snapshot:', record.name)?.trim();
      if (name) {
        await this.store.rename(record.id, name);
        await this.render();
      }
    });
    button('Export', async () => {
      const blob = await exportSnapshot(this.store, record.id);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = exportFileName(record);
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    });
    button('Delete', async () => {
      if (!confirm(`Delete the snapshot "${record.name}"? This cannot be undone (export it first to keep a copy).`)) return;
      await this.store.remove(record.id);
      await this.render();
    });
    return tr;
  }

  private async saveAs(): Promise<void> {
    const name = prompt('Name for this snapshot (for example "before lab 3"):')?.trim();
    if (!name) return;
    this.say('Saving…');
    const record = await this.host.saveAs(name);
    this.say(record ? `Saved "${record.name}".` : 'The machine was not saved (see the status bar).');
    await this.render();
  }

  private async importFile(file: File): Promise<void> {
    const machine = this.host.machine();
    if (!machine) return this.say('Start the machine first: an import is checked against it.');
    this.say(`Importing ${file.name}…`);
    try {
      const record = await importSnapshot(this.store, file, machine);
      this.say(`Imported "${record.name}". Restore it from the list.`);
    } catch (error) {
      this.say(`${file.name} was not imported: ${(error as Error).message}`);
    }
    await this.render();
  }

  private say(message: string): void {
    this.message.textContent = message;
  }
}
