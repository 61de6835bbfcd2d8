/**
 * The page's language, for its chrome and its labs alike: `?lang=fr|en` (remembered in
 * localStorage, so later visits without it keep it), else the one remembered, else the
 * browser's. Outside a page (unit tests in Node) it is English.
 */
import { chooseLanguage, stringsFor, type Language, type Strings } from './index';

export const LANGUAGE_KEY = 'labbox-lang';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'object' ? localStorage : null;
  } catch {
    return null; // storage disabled
  }
}

/** Reads the address, the remembered choice and the browser; remembers a `?lang=` that names a language. */
export function pageLanguage(): Language {
  if (typeof location !== 'object' || typeof navigator !== 'object') return 'en';
  const asked = new URLSearchParams(location.search).get('lang');
  const store = storage();
  let remembered: string | null = null;
  try {
    remembered = store?.getItem(LANGUAGE_KEY) ?? null;
  } catch {
    // unreadable: the browser's language
  }
  const lang = chooseLanguage(asked, remembered, navigator.language ?? '');
  if (asked === lang) {
    try {
      store?.setItem(LANGUAGE_KEY, lang);
    } catch {
      // not remembered: the next visit follows the browser again
    }
  }
  return lang;
}

/** This page's language, chosen once when it loads. */
export const lang: Language = pageLanguage();

/** This page's strings table. */
export const t: Strings = stringsFor(lang);
