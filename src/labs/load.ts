/**
 * Loading a lab from a URL (built-in or an instructor's), with its shared checks and solution
 * files; every failure says what went wrong and where. `readText` is `fetch` in the page and
 * a file read in the Node lab runner.
 */
import { attachScripts, LabFormatError, parseLab, type Lab, type LabLanguage } from './lab';

export type ReadText = (url: string) => Promise<string>;

/** An entry of the built-in catalogue (public/labs/index.json). */
export interface CatalogueEntry {
  id: string;
  minutes: number;
  title: Record<LabLanguage, string>;
}

export class LabLoadError extends Error {
  override name = 'LabLoadError';
}

export const fetchText: ReadText = async (url) => {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new LabLoadError(`The lab at ${url} could not be downloaded: the network or the server is unreachable, or the server does not allow this site to read it (CORS).`);
  }
  if (!response.ok) throw new LabLoadError(`The lab at ${url} could not be downloaded: the server answered HTTP ${response.status}.`);
  return response.text();
};

/** Where a built-in lab lives, relative to the labs folder. */
export function builtInLabPath(id: string, lang: LabLanguage): string {
  return `${id}/${lang}.md`;
}

export async function loadLab(url: string, readText: ReadText = fetchText): Promise<Lab> {
  const lab = parseLabText(await readText(url), url);
  for (const [file, what] of [[lab.checksFile, 'check'], [lab.solutionFile, 'solution']] as const) {
    if (!file) continue;
    const scriptUrl = new URL(file, url).href;
    let text: string;
    try {
      text = await readText(scriptUrl);
    } catch (error) {
      throw new LabLoadError(`The lab's ${what} file ${file} could not be read: ${(error as Error).message}`);
    }
    try {
      attachScripts(lab, text, what);
    } catch (error) {
      throw new LabLoadError(`${file}, ${(error as Error).message}`);
    }
  }
  return lab;
}

/** Parses lab text, naming the source in the message when it is not a lab. */
export function parseLabText(text: string, source: string): Lab {
  try {
    return parseLab(text);
  } catch (error) {
    if (error instanceof LabFormatError) throw new LabLoadError(`${source} is not a valid lab: ${error.message}`);
    throw error;
  }
}
