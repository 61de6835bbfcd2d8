/**
 * Which lab the page shows, from its address:
 *   ?lab=<id>         a built-in lab (public/labs/<id>/<lang>.md)
 *   ?lab=<url>        an instructor's lab at any URL the server lets us read (CORS)
 *   #lab=<packed>     a lab packed into the link itself (see src/labs/share.ts)
 *   ?author           the authoring view
 *   ?app              the installed app's start: the last lab opened, else the catalogue
 *   nothing           the catalogue of built-in labs
 * ?lang=fr|en picks the language, for the labs and the rest of the page alike (see
 * src/i18n/page.ts: else the one remembered, else the browser's).
 */
import { builtInLabPath, fetchText, loadLab, parseLabText, type CatalogueEntry } from '../labs/load';
import { assertSelfContained, unpackLab } from '../labs/share';
import type { LabAuthor } from './lab-author';
import type { LabPanel } from './lab-panel';
import { errorText } from '../i18n';
import { lang, t } from '../i18n/page';

/** This page's address with other lab parameters (the image stays). */
function linkWith(changes: Record<string, string | null>): string {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) params.delete(key);
    else params.set(key, value);
  }
  return `?${params}`;
}

const LAST_LAB_KEY = 'labbox-last-lab';

/** The installed app opens on the lab the trainee had open last. */
function resumeLastLab(): void {
  const params = new URLSearchParams(location.search);
  if (!params.has('app') || params.has('lab') || location.hash) return;
  const last = (() => {
    try {
      return localStorage.getItem(LAST_LAB_KEY);
    } catch {
      return null; // storage disabled: the app opens on the catalogue
    }
  })();
  if (last) history.replaceState(null, '', last);
}

export async function showLabFromAddress(panel: LabPanel, author: LabAuthor): Promise<void> {
  resumeLastLab();
  const params = new URLSearchParams(location.search);
  if (params.has('author')) return author.show();
  const labsBase = new URL(`${import.meta.env.BASE_URL}labs/`, location.href);
  const catalogueHref = linkWith({ lab: null, lang });
  const packed = new URLSearchParams(location.hash.slice(1)).get('lab');
  const wanted = params.get('lab');
  try {
    if (packed) {
      const lab = parseLabText(await unpackLab(packed), t.author.linkedLab);
      assertSelfContained(lab);
      await panel.showLab(lab, catalogueHref);
    } else if (wanted) {
      const url = /^[a-z0-9-]+$/.test(wanted) ? new URL(builtInLabPath(wanted, lang), labsBase).href : new URL(wanted, location.href).href;
      await panel.showLab(await loadLab(url), catalogueHref);
    } else {
      const entries: CatalogueEntry[] = JSON.parse(await fetchText(new URL('index.json', labsBase).href));
      panel.showCatalogue(entries, lang, (id) => linkWith({ lab: id, lang }));
    }
    try {
      if (packed || wanted) localStorage.setItem(LAST_LAB_KEY, `${location.pathname}${location.search}${location.hash}`);
    } catch {
      // storage disabled: the app will open on the catalogue instead
    }
  } catch (error) {
    panel.showError(errorText(error, t));
  }
}
