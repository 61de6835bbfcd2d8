/**
 * Loading a lab from a URL (built-in or an instructor's), with its shared checks and solution
 * files; every failure says what went wrong and where. `readText` is `fetch` in the page and
 * a file read in the Node lab runner.
 */
import { SaidError } from '../i18n';
import { attachScripts, LabFormatError, parseLab, type Lab, type LabLanguage } from './lab';

export type ReadText = (url: string) => Promise<string>;

/** An entry of the built-in catalogue (public/labs/index.json). */
export interface CatalogueEntry {
  id: string;
  minutes: number;
  title: Record<LabLanguage, string>;
}

export class LabLoadError extends SaidError {
  override name = 'LabLoadError';
}

/** A lab with its checks is a few tens of KB; more is not a lab, and is not read further. */
export const MAX_LAB_BYTES = 1024 * 1024;
/** A lab server that has said nothing after this long is given up. */
export const LAB_TIMEOUT_MS = 20_000;

export const fetchText: ReadText = (url) => fetchLabText(url, LAB_TIMEOUT_MS);

/** A lab's text from `url`: at most MAX_LAB_BYTES, within `timeoutMs`, or a LabLoadError saying why not. */
export async function fetchLabText(url: string, timeoutMs: number): Promise<string> {
  const cut = new AbortController();
  const timer = setTimeout(() => cut.abort(), timeoutMs);
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: cut.signal });
    } catch {
      throw cut.signal.aborted ? new LabLoadError('labTimeout', url, timeoutMs / 1000) : new LabLoadError('labUnreachable', url);
    }
    if (!response.ok) throw new LabLoadError('labHttp', url, response.status);
    return await readCapped(response, url, cut, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

const tooLarge = (url: string) => new LabLoadError('labTooLarge', url, MAX_LAB_BYTES / 1024 / 1024);

/** The response's text, refused past MAX_LAB_BYTES without reading the rest. */
async function readCapped(response: Response, url: string, cut: AbortController, timeoutMs: number): Promise<string> {
  if (Number(response.headers.get('content-length') ?? 0) > MAX_LAB_BYTES) {
    cut.abort();
    throw tooLarge(url);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_LAB_BYTES) {
        cut.abort();
        throw tooLarge(url);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof LabLoadError) throw error;
    throw cut.signal.aborted ? new LabLoadError('labSlow', url, timeoutMs / 1000) : new LabLoadError('labCut', url);
  }
  return new TextDecoder().decode(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

/** Where a built-in lab lives, relative to the labs folder. */
export function builtInLabPath(id: string, lang: LabLanguage): string {
  return `${id}/${lang}.md`;
}

export async function loadLab(url: string, readText: ReadText = fetchText): Promise<Lab> {
  const lab = parseLabText(await readText(url), url);
  for (const [file, what] of [
    [lab.checksFile, 'check'],
    [lab.solutionFile, 'solution'],
  ] as const) {
    if (!file) continue;
    const scriptUrl = new URL(file, url).href;
    let text: string;
    try {
      text = await readText(scriptUrl);
    } catch (error) {
      throw new LabLoadError('labFile', what, file, error as Error);
    }
    try {
      attachScripts(lab, text, what);
    } catch (error) {
      throw new LabLoadError('labFileInvalid', file, error as Error);
    }
  }
  return lab;
}

/** Parses lab text, naming the source in the message when it is not a lab. */
export function parseLabText(text: string, source: string): Lab {
  try {
    return parseLab(text);
  } catch (error) {
    if (error instanceof LabFormatError) throw new LabLoadError('notALab', source, error);
    throw error;
  }
}
