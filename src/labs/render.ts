/**
 * Lab Markdown to safe HTML: markdown-it with raw HTML off, then DOMPurify, so a lab from any
 * URL cannot put script or handlers into the page.
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });
// ```sh node2: the block runs on that cluster node (its "run in terminal" button says so)
const fence = markdown.renderer.rules.fence!;
markdown.renderer.rules.fence = (tokens, idx, options, env, self) => {
  const node = /\s(node[1-9])\s*$/.exec(tokens[idx].info)?.[1];
  const html = fence(tokens, idx, options, env, self);
  return node ? html.replace(/^<pre/, `<pre data-node="${node}"`) : html;
};

export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(markdown.render(text), { USE_PROFILES: { html: true } });
}

/** Shell code blocks get a "run in terminal" button: these are the languages that count. */
export const RUNNABLE_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);
