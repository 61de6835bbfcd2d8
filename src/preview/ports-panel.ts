/**
 * The Ports list: the TCP ports listening in the machine, each a link to its preview
 * (/preview/<port>/) in a new tab. Read from the guest when the list opens and on Refresh,
 * never in the background.
 */
import type { ExecResult } from '../vm/agent-client';
import { t } from '../i18n/page';
import { PREVIEW_FOLDER } from './http';
import { LISTENING_COMMAND, parseListening } from './ports';

export interface PortsHost {
  /** runs a command in the main machine, or on a cluster node; null when it is not running */
  exec(command: string, timeoutMs: number, node?: string): Promise<ExecResult> | null;
  /** the cluster's nodes beside the main machine (node2…), none without a cluster */
  otherNodes(): string[];
}

/** The site's address of a port's preview, from the page's own address. */
export function previewUrl(port: number, node?: string): string {
  const root = new URL(import.meta.env.BASE_URL, location.href);
  return new URL(`${PREVIEW_FOLDER}${node ? `${node}/` : ''}${port}/`, root).href;
}

export class PortsPanel {
  constructor(
    private readonly element: HTMLElement,
    private readonly host: PortsHost,
  ) {
    element.hidden = true;
  }

  toggle(): void {
    this.element.hidden = !this.element.hidden;
    if (!this.element.hidden) void this.refresh();
  }

  async refresh(): Promise<void> {
    const heading = document.createElement('h2');
    heading.textContent = t.preview.listening;
    const refresh = document.createElement('button');
    refresh.textContent = t.preview.refresh;
    refresh.onclick = () => void this.refresh();
    const body = document.createElement('div');
    body.className = 'ports-list';
    body.textContent = t.preview.reading;
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = t.preview.note;
    this.element.replaceChildren(heading, refresh, body, note);
    const others = this.host.otherNodes();
    // in a cluster, each node's ports under its name (the main machine is node1)
    const machines: (string | undefined)[] = [undefined, ...others];
    const lists = await Promise.all(machines.map((node) => this.listFor(node, others.length > 0 ? (node ?? 'node1') : null)));
    body.replaceChildren(...lists.flat());
  }

  /** One machine's listening ports, as links, under its name when `heading` is given. */
  private async listFor(node: string | undefined, heading: string | null): Promise<HTMLElement[]> {
    const title = document.createElement('h3');
    title.textContent = heading ?? '';
    const head = heading ? [title] : [];
    const note = document.createElement('p');
    const run = this.host.exec(LISTENING_COMMAND, 30_000, node);
    const r = run ? await run.catch(() => null) : null;
    if (!r) {
      note.textContent = t.files.notRunning;
      return [...head, note];
    }
    const ports = parseListening(r.stdout);
    if (ports.length === 0) {
      note.textContent = t.preview.none;
      return [...head, note];
    }
    const list = document.createElement('ul');
    if (node) list.dataset.node = node;
    for (const { port, program } of ports) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = previewUrl(port, node);
      link.target = '_blank';
      link.rel = 'noopener';
      link.textContent = String(port);
      link.title = t.preview.open(port);
      link.dataset.port = String(port);
      item.append(link, program ? ` ${program}` : '');
      list.append(item);
    }
    return [...head, list];
  }
}
