/**
 * "Inspect": a live view of what makes a container — its processes grouped by namespace,
 * the cgroup tree with memory, pids, CPU and OOM kills, and the network (bridges, veth pairs,
 * addresses, published ports) as a small diagram. Fed by one agent exec per refresh while
 * open (src/inspector/collect.ts); nothing runs in the guest while it is closed.
 */
import { COLLECT_SCRIPT, MIN_REFRESH_MS, refreshIntervalMs } from '../inspector/collect';
import type { Container, GuestView, NetInterface } from '../inspector/model';
import { parseGuestView } from '../inspector/parse';
import { t } from '../i18n/page';
import { previewUrl } from '../preview/ports-panel';

export type InspectorView = 'namespaces' | 'cgroups' | 'network';
export const INSPECTOR_VIEWS: InspectorView[] = ['namespaces', 'cgroups', 'network'];

export interface InspectorHost {
  /** runs the collect script in the guest; null while no machine runs */
  exec(command: string, timeoutMs: number): Promise<{ exitCode: number; stdout: string }> | null;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class InspectorPanel {
  private view: InspectorView = 'namespaces';
  private current: { at: number; view: GuestView } | null = null;
  /** the refresh before, for CPU use per group */
  private previous: { at: number; view: GuestView } | null = null;
  private selected: string | null = null;
  /** the next refresh, while one is scheduled */
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** a refresh is waiting for the guest */
  private refreshing = false;
  private intervalMs = MIN_REFRESH_MS;
  private readonly body: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: InspectorHost,
  ) {
    const w = t.inspector;
    root.innerHTML = `<h2>${w.title}</h2><nav class="views" role="tablist"></nav><p class="containers"></p><details class="what"><summary>${w.what}</summary><p></p></details><div class="view-body" aria-live="polite"></div>`;
    const nav = root.querySelector('nav')!;
    for (const view of INSPECTOR_VIEWS) {
      const b = document.createElement('button');
      b.dataset.view = view;
      b.setAttribute('role', 'tab');
      b.textContent = w[view];
      b.onclick = () => this.show(view);
      nav.append(b);
    }
    this.body = root.querySelector('.view-body')!;
  }

  get isOpen(): boolean {
    return !this.root.hidden;
  }

  /** Opens the panel on a view (a lab step can ask for one) and starts refreshing. */
  show(view: InspectorView = this.view): void {
    this.view = view;
    this.root.hidden = false;
    for (const b of this.root.querySelectorAll<HTMLElement>('nav button')) b.setAttribute('aria-selected', String(b.dataset.view === view));
    this.root.querySelector('.what p')!.textContent = t.inspector.notes[view];
    this.render();
    if (!this.refreshing && this.timer === undefined) void this.refresh();
  }

  hide(): void {
    this.root.hidden = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  toggle(): void {
    if (this.isOpen) this.hide();
    else this.show();
  }

  /** The latest data (tests read it through the page). */
  get latest(): GuestView | null {
    return this.current?.view ?? null;
  }

  private async refresh(): Promise<void> {
    this.refreshing = true;
    const run = this.host.exec(COLLECT_SCRIPT, 30_000);
    const result = run ? await run.catch(() => null) : null;
    this.refreshing = false;
    if (!this.isOpen) return;
    if (result) {
      const view = parseGuestView(result.stdout);
      this.previous = this.current;
      this.current = { at: Date.now(), view };
      if (view.cost) this.intervalMs = refreshIntervalMs(view.cost.busyTicks);
      this.render();
    } else if (!run) {
      this.body.textContent = t.inspector.notRunning;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, this.intervalMs);
  }

  private render(): void {
    const w = t.inspector;
    const data = this.latest;
    if (!data) {
      this.body.textContent = w.waiting;
      return;
    }
    this.renderContainers(data.containers);
    this.body.innerHTML = this.view === 'namespaces' ? this.namespacesHtml(data) : this.view === 'cgroups' ? this.cgroupsHtml(data) : this.networkHtml(data);
    for (const el of this.body.querySelectorAll<HTMLElement>('[data-container]')) {
      el.onclick = () => this.select(el.dataset.container!);
      el.classList.toggle('selected', el.dataset.container === this.selected);
    }
  }

  private renderContainers(containers: Container[]): void {
    const w = t.inspector;
    const p = this.root.querySelector<HTMLElement>('.containers')!;
    p.textContent = `${w.containers} `;
    if (containers.length === 0) p.append(w.none);
    for (const c of containers) {
      const b = document.createElement('button');
      b.className = 'container-chip';
      b.dataset.container = c.name;
      b.textContent = `${c.name} (${c.engine}${c.running ? '' : `, ${w.stopped}`})`;
      b.classList.toggle('selected', c.name === this.selected);
      b.onclick = () => this.select(c.name);
      p.append(b, ' ');
    }
  }

  /** Highlights a container's processes, cgroup and network path everywhere. */
  select(name: string): void {
    this.selected = this.selected === name ? null : name;
    this.render();
  }

  private containerOfPid(pid: number): Container | undefined {
    const data = this.latest!;
    const process = data.processes.find((p) => p.pid === pid);
    return data.containers.find((c) => c.cgroup && process?.cgroup.startsWith(c.cgroup));
  }

  private namespacesHtml(data: GuestView): string {
    const w = t.inspector;
    const rows = [...data.namespaces]
      .sort((a, b) => Number(a.initial) - Number(b.initial) || a.type.localeCompare(b.type))
      .map((ns) => {
        const owners = new Set(ns.pids.map((pid) => this.containerOfPid(pid)?.name).filter((n): n is string => !!n));
        const owner = ns.initial ? w.machine : [...owners].join(', ') || '—';
        const commands = ns.pids
          .slice(0, 6)
          .map((pid) => `${pid} ${esc(data.processes.find((p) => p.pid === pid)?.command ?? '')}`)
          .join(', ');
        const attr = !ns.initial && owners.size === 1 ? ` data-container="${esc([...owners][0])}"` : '';
        return `<tr${attr}><td>${ns.type}</td><td>${ns.inode}</td><td>${esc(owner)}</td><td>${w.processList(ns.pids.length, commands)}${ns.pids.length > 6 ? ', …' : ''}</td></tr>`;
      });
    return `<table class="namespaces"><thead><tr><th>${w.type}</th><th>inode</th><th></th><th>${w.processes}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }

  private cgroupsHtml(data: GuestView): string {
    const w = t.inspector;
    const before = new Map(this.previous?.view.cgroups.map((g) => [g.path, g.cpuUsec]) ?? []);
    const seconds = this.previous && this.current ? (this.current.at - this.previous.at) / 1000 : 0;
    const rows = [...data.cgroups]
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((g) => {
        const depth = g.path.split('/').length - 2;
        const owner = data.containers.find((c) => c.cgroup === g.path);
        const memory = g.memory === undefined ? '' : `${t.size.megabytes(g.memory)} / ${g.memoryMax === undefined ? w.noLimit : t.size.megabytes(g.memoryMax)}`;
        const share = g.memoryMax && g.memory !== undefined ? Math.min(1, g.memory / g.memoryMax) : 0;
        const pids = g.pids === undefined ? '' : `${g.pids} / ${g.pidsMax ?? w.noLimit}`;
        const was = before.get(g.path);
        const cpu = seconds > 0 && was !== undefined && g.cpuUsec !== undefined ? `${Math.round((100 * (g.cpuUsec - was)) / 1e6 / seconds)} %` : '';
        const attr = owner ? ` data-container="${esc(owner.name)}"` : '';
        const name = owner ? `${esc(g.path.split('/').pop()!.slice(0, 12))} (${esc(owner.name)})` : esc(g.path.split('/').pop()!);
        return `<tr${attr} class="${g.oomKills ? 'oom' : ''}"><td style="padding-left:${depth}rem">${name}</td><td>${memory}${share ? `<meter value="${share.toFixed(3)}" low="0.7" high="0.9"></meter>` : ''}</td><td>${pids}</td><td>${cpu}</td><td>${g.oomKills || ''}</td></tr>`;
      });
    return `<table class="cgroups"><thead><tr><th>/sys/fs/cgroup</th><th>${w.memory}</th><th>pids</th><th>${w.cpu}</th><th>${w.oom}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }

  /** Bridges across the top, each container under the bridge its veth is plugged into. */
  private networkHtml(data: GuestView): string {
    const addr = (i: NetInterface) =>
      i.addresses
        .filter((a) => a.family === 'inet')
        .map((a) => `${a.address}/${a.prefix}`)
        .join(' ');
    const bridges = data.interfaces.filter((i) => i.kind === 'bridge');
    const uplinks = data.interfaces.filter((i) => i.kind !== 'bridge' && i.kind !== 'veth' && i.kind !== 'loopback');
    const hostVeth = (c: Container) => {
      const inside = c.interfaces.find((i) => i.name !== 'lo' && i.peerIfindex !== undefined);
      return inside && data.interfaces.find((i) => i.ifindex === inside.peerIfindex);
    };
    const columns = bridges.map((b) => {
      const members = data.containers.filter((c) => hostVeth(c)?.master === b.name);
      const boxes = members.map((c) => {
        const inside = c.interfaces.filter((i) => i.name !== 'lo');
        const veth = hostVeth(c);
        return `<div class="net-container" data-container="${esc(c.name)}"><div class="wire">${esc(veth?.name ?? '')} ⇄ ${inside.map((i) => esc(i.name)).join(', ')}</div><strong>${esc(c.name)}</strong><br>${inside.map((i) => esc(addr(i))).join('<br>')}${c.ports.length ? `<br>-p ${c.ports.map(portLink).join(', ')}` : ''}</div>`;
      });
      return `<div class="net-bridge"><div class="bridge-box"><strong>${esc(b.name)}</strong> ${esc(addr(b))}</div>${boxes.join('')}</div>`;
    });
    const host = `<div class="net-host">${uplinks.map((i) => `<span><strong>${esc(i.name)}</strong> ${esc(addr(i))}</span>`).join(' ')}</div>`;
    return `${host}<div class="net-bridges">${columns.join('')}</div>`;
  }
}

/** A published port (`8080->80/tcp`), its host port a link to its preview (src/preview/). */
function portLink(port: string): string {
  const m = /^(\d+)(->.*)$/.exec(port);
  if (!m) return esc(port);
  return `<a href="${esc(previewUrl(Number(m[1])))}" target="_blank" rel="noopener" data-port="${m[1]}">${m[1]}</a>${esc(m[2])}`;
}
