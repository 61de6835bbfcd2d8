/** The page shell's own words (index.html holds the English ones), said in the page's language. */
import { t } from '../i18n/page';

export function sayPageWords(): void {
  document.documentElement.lang = t.code;
  document.title = t.page.title;
  const set = (selector: string, words: { text?: string; title?: string; label?: string }) => {
    const el = document.querySelector<HTMLElement>(selector);
    if (!el) return;
    if (words.text !== undefined) el.textContent = words.text;
    if (words.title !== undefined) el.title = words.title;
    if (words.label !== undefined) el.setAttribute('aria-label', words.label);
  };
  const h = t.header;
  set('#tabs', { label: t.page.terminals });
  set('#pause-button', { text: h.pause });
  set('#save-button', { text: h.save, title: h.saveTitle });
  set('#snapshots-button', { text: h.saved, title: h.savedTitle });
  set('#reset-button', { text: h.reset, title: h.resetTitle });
  set('#offline-button', { text: h.offline, title: h.offlineTitle });
  set('#inspect-button', { text: h.inspect, title: h.inspectTitle });
  set('#ports-button', { text: t.preview.ports, title: t.preview.portsTitle });
  set('#ports', { label: t.preview.listening });
  set('#editor', { label: t.editor.pane });
  set('#lab-button', { text: h.lab, title: h.labTitle });
  set('#help-button', { title: h.helpTitle, label: h.help });
  set('#cluster', { label: t.page.clusterNodes });
  set('#lab', { label: t.page.lab });
  set('#inspector', { label: t.page.inspector });
}
