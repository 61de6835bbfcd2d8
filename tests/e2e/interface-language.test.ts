/**
 * The interface in the browser's language: a French browser sees no text of the English
 * table, an English one none of the French table, across the page shell, the status bar, the
 * saved machines, the offline question, the inspector, the help and the page's questions.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';
import type { Strings } from '../../src/i18n';
import { openReady } from './browser';
import { useBrowser } from './use-browser';

const browser = useBrowser();
const baseUrl = inject('baseUrl');

const MARK = '\u0001';
const PUNCTUATION = /^[\s:;,.!?()«»"'—·/…[\]-]+|[\s:;,.!?()«»"'—·/…[\]-]+$/g;

/** Every text of a table: its strings whole, and a function's fixed parts (its arguments marked). */
function texts(table: unknown): string[] {
  if (typeof table === 'string') return [table];
  if (typeof table === 'function') {
    const said = String((table as (...a: unknown[]) => unknown)(...Array<string>(table.length).fill(MARK)));
    return said.split(new RegExp(`${MARK}|NaN`));
  }
  return Object.values(table as object).flatMap(texts);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `text` as a whole word or phrase, not inside a longer word ("Inspect" is not in "Inspecter"). */
const phrase = (text: string) => new RegExp(`(?<![\\p{L}\\p{N}])${escape(text)}(?![\\p{L}\\p{N}])`, 'u');

/**
 * The telltale texts of `table`: its fixed parts longer than 3 characters that the other table
 * does not use too (a "Docker", "cgroups" or "Namespaces" says nothing about the language).
 */
function telltales(table: Strings, other: Strings): string[] {
  const others = texts(other).join('\n');
  const parts = texts(table).map((s) => s.replace(PUNCTUATION, ''));
  return [...new Set(parts)].filter((s) => s.length > 3 && !phrase(s).test(others));
}

/** What the page shows and says: the chrome's visible text, titles and labels (the guest's terminal output aside). */
function collect(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const seen = [document.title];
    for (const el of document.querySelectorAll<HTMLElement>('header, #cluster, #lab, #inspector, footer, dialog[open]')) seen.push(el.innerText);
    for (const el of document.querySelectorAll('[title], [aria-label]')) seen.push(el.getAttribute('title') ?? '', el.getAttribute('aria-label') ?? '');
    return seen.filter(Boolean);
  });
}

/** Walks the interface in `locale`; returns everything read, questions (confirm, prompt) included. */
async function walk(locale: string): Promise<string[]> {
  const context = await browser().newContext({ locale });
  try {
    const page = await openReady(context, baseUrl);
    const seen: string[] = [];
    const questions: string[] = [];
    page.on('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.dismiss();
    });
    const note = page.locator('footer#status .note');

    // the shell: header, tabs, status, guest memory (the first poll comes within 5 s)
    await expect.poll(() => page.locator('footer#status .memory').innerText(), { timeout: 30_000 }).not.toBe('');
    seen.push(...(await collect(page)));

    // pause and resume
    await page.click('#pause-button');
    await expect.poll(() => page.locator('footer#status').getAttribute('data-phase')).toBe('paused');
    seen.push(...(await collect(page)));
    await page.click('#pause-button');
    await expect.poll(() => page.locator('footer#status').getAttribute('data-phase')).toBe('ready');

    // a save, said in the status bar
    await page.click('#save-button');
    await expect.poll(() => note.innerText(), { timeout: 240_000, interval: 500 }).toMatch(/\d\d:\d\d/);
    seen.push(...(await collect(page)));

    // the saved machines, with the save just made
    await page.click('#snapshots-button');
    await expect.poll(() => page.locator('dialog.snapshots tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('dialog.snapshots .usage').innerText()).not.toBe('');
    seen.push(...(await collect(page)));
    await page.click('dialog.snapshots form button');

    // the offline question (or why there is none)
    const before = await note.innerText();
    await page.click('#offline-button');
    await expect.poll(async () => questions.length > 0 || (await note.innerText()) !== before, { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.locator('#offline-button').isDisabled()).toBe(false);
    seen.push(...(await collect(page)));

    // the inspector, each view with its explanation
    await page.click('#inspect-button');
    await expect.poll(() => page.locator('#inspector .containers').innerText(), { timeout: 60_000 }).not.toBe('');
    for (const view of ['namespaces', 'cgroups', 'network']) {
      await page.click(`#inspector nav button[data-view="${view}"]`);
      await page.locator('#inspector details.what summary').click();
      seen.push(...(await collect(page)));
      await page.locator('#inspector details.what summary').click();
    }
    await page.click('#inspect-button');

    // the keyboard help
    await page.click('#help-button');
    await page.waitForSelector('dialog.help[open]');
    seen.push(...(await collect(page)));
    await page.click('dialog.help form button');

    // the page's questions: reset, search
    const asked = questions.length;
    await page.click('#reset-button');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Control+Shift+F');
    await expect.poll(() => questions.length, { timeout: 10_000 }).toBe(asked + 2);
    return [...seen, ...questions];
  } finally {
    await context.close();
  }
}

function foreign(seen: string[], table: Strings, other: Strings): string[] {
  const text = seen.join('\n');
  return telltales(table, other).filter((s) => phrase(s).test(text));
}

describe('the interface language', () => {
  it('shows a French browser no English of the interface', async () => {
    const seen = await walk('fr-FR');
    // said in French, really: some of the French table is there
    for (const words of [fr.header.save, fr.saved.title, fr.inspector.title, fr.help.title, fr.status.ready]) expect(seen.join('\n')).toContain(words);
    expect(foreign(seen, en, fr)).toEqual([]);
  });

  it('shows an English browser no French of the interface', async () => {
    const seen = await walk('en-US');
    for (const words of [en.header.save, en.saved.title, en.inspector.title, en.help.title, en.status.ready]) expect(seen.join('\n')).toContain(words);
    expect(foreign(seen, fr, en)).toEqual([]);
  });
});
