/**
 * Lab Markdown to safe HTML: markdown-it with raw HTML off, then DOMPurify, so a lab from any
 * URL cannot put script or handlers into the page.
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(markdown.render(text), { USE_PROFILES: { html: true } });
}

/** Shell code blocks get a "run in terminal" button: these are the languages that count. */
export const RUNNABLE_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);
