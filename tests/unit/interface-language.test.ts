/** The strings tables (src/i18n): the same keys in every language, no empty text, the language rule, errors said in either language. */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';
import { chooseLanguage, errorText, SaidError, stringsFor } from '../../src/i18n';
import { LabFormatError, parseLab } from '../../src/labs/lab';
import { SnapshotDamagedError } from '../../src/storage/snapshot-store';

/** Each key's path, with what it holds: "text", "function/<arity>", or "group". */
function shape(table: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(table)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'string') out[path] = 'text';
    else if (typeof value === 'function') out[path] = `function/${value.length}`;
    else Object.assign(out, { [path]: 'group' }, shape(value as object, `${path}.`));
  }
  return out;
}

/** Every text of a table, its functions called with sample arguments. */
function values(table: object, prefix = ''): [string, string][] {
  return Object.entries(table).flatMap(([key, value]): [string, string][] => {
    const path = `${prefix}${key}`;
    if (typeof value === 'string') return [[path, value]];
    if (typeof value === 'function') return [[path, String(value(...Array(value.length).fill(2)))]];
    return values(value as object, `${path}.`);
  });
}

describe('the strings tables', () => {
  it('have the same keys in English and French, each of the same kind', () => {
    expect(shape(fr)).toEqual(shape(en));
  });

  it('have no empty text', () => {
    for (const table of [en, fr]) {
      const empty = values(table).filter(([, text]) => text.trim() === '' || /undefined|\[object /.test(text));
      expect(empty).toEqual([]);
    }
  });

  it('put a space before the French high punctuation, as the French labs do', () => {
    // a colon, semicolon, question or exclamation mark right after a letter: "clé:" is a lab's own syntax
    const tight = values(fr).filter(
      ([path, text]) => !path.startsWith('author.') && /\p{L}[;?!]|\p{L}:\s/u.test(text.replace(/`[^`]*`|« [^»]*»|"[^"]*"/g, '')),
    );
    expect(tight).toEqual([]);
  });
});

describe('the language', () => {
  it('follows ?lang=, else the one remembered, else the browser', () => {
    expect(chooseLanguage('fr', 'en', 'en-US')).toBe('fr');
    expect(chooseLanguage(null, 'fr', 'en-US')).toBe('fr');
    expect(chooseLanguage('de', null, 'fr-CA')).toBe('fr');
    expect(chooseLanguage(null, null, 'en-GB')).toBe('en');
    expect(chooseLanguage(null, 'xx', 'de-DE')).toBe('en');
  });
});

describe('errors of the layers without a language', () => {
  it('keep their English message and are said in French at the page', () => {
    const inner = new SnapshotDamagedError('partMismatch', 1, 3);
    const error = new SnapshotDamagedError('snapshotDamaged', 'avant le lab 3', inner);
    expect(error.message).toBe(
      'Snapshot "avant le lab 3" is damaged and cannot be restored (part 1 of 3 does not match its checksum). Your other snapshots are unaffected.',
    );
    expect(errorText(error, stringsFor('fr'))).toBe(
      'La machine enregistrée « avant le lab 3 » est endommagée et ne peut pas être restaurée (la partie 1 sur 3 ne correspond pas à sa somme de contrôle). Vos autres machines enregistrées sont intactes.',
    );
  });

  it('say a lab format error with its line in either language', () => {
    let error: unknown;
    try {
      parseLab('---\nid: x\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LabFormatError);
    expect((error as LabFormatError).line).toBe(1);
    expect((error as Error).message).toBe('line 1: the front matter is never closed (a second "---" line)');
    expect(errorText(error, fr)).toBe("ligne 1 : l'en-tête n'est jamais fermé (une seconde ligne « --- »)");
  });

  it('leave other errors as they are', () => {
    expect(errorText(new Error('disk on fire'), fr)).toBe('disk on fire');
    expect(errorText('plain', fr)).toBe('plain');
    expect(new SaidError('snapshotGone')).toBeInstanceOf(Error);
  });
});
