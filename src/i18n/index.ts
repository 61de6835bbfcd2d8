/**
 * The interface's languages: one strings table each (en.ts, fr.ts, with the same keys), the
 * rule that picks one, and errors that carry a key of the table rather than fixed words, so
 * that the layers without a language (storage, labs) can be said in the page's. Free of the
 * platform: the page (page.ts), the emulator worker and Node use it alike.
 */
import { en } from './en';
import { fr } from './fr';

export type Language = 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['en', 'fr'];

/** Every table has these keys, each with the type the English one has. */
export type Strings = typeof en;

const TABLES: Record<Language, Strings> = { en, fr };

export function stringsFor(lang: Language): Strings {
  return TABLES[lang];
}

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.includes(value as Language);
}

/**
 * The language of the page: `?lang=` when it names one, else the one remembered from an
 * earlier `?lang=`, else the browser's (French for any fr-*, English otherwise).
 */
export function chooseLanguage(asked: string | null, remembered: string | null, browser: string): Language {
  if (isLanguage(asked)) return asked;
  if (isLanguage(remembered)) return remembered;
  return browser.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

type Errors = Strings['errors'];
export type ErrorKey = keyof Errors;
/** An error's arguments: a string argument may be another error, said in the same language. */
type ErrorArgs<K extends ErrorKey> = Errors[K] extends (...args: infer A) => string ? { [I in keyof A]: A[I] extends string ? string | Error : A[I] } : [];
/** A key of the errors table with its arguments. */
export type Said = { [K in ErrorKey]: [K, ...ErrorArgs<K>] }[ErrorKey];

/** An error whose words come from the table: its message is the English; errorText says it in any language. */
export class SaidError extends Error {
  readonly said: Said;
  constructor(...said: Said) {
    super(say(en, said));
    this.said = said;
  }
}

function say(words: Strings, [key, ...args]: Said): string {
  const entry = words.errors[key] as string | ((...a: unknown[]) => string);
  if (typeof entry === 'string') return entry;
  return entry(...args.map((a) => (a instanceof Error ? errorText(a, words) : a)));
}

/** What went wrong, in `words`' language when the error carries a key (SaidError), else its message. */
export function errorText(error: unknown, words: Strings): string {
  if (!(error instanceof Error)) return String(error);
  const said = (error as { said?: Said }).said;
  return said ? say(words, said) : error.message;
}
