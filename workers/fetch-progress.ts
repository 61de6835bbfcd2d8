/** Downloads with progress, for the status bar. */
import type { Strings } from '../src/i18n';
import type { ArrivingState } from '../src/vm/arriving-state';

/**
 * Downloads `url` into `arriving`, whose bytes a restore reads as they come, with progress for
 * the status bar. Resolves once the whole body is there; rejects with `words` for the trainee.
 */
export async function downloadInto(url: string, arriving: ArrivingState, onProgress: (loaded: number, total: number) => void, words: Strings): Promise<void> {
  const w = words.machine;
  const name = url.split('/').pop();
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new Error(w.couldNotDownload(name ?? url, w.unreachable));
  }
  if (!response.ok || !response.body) {
    throw new Error(w.couldNotDownload(name ?? url, w.httpStatus(response.status)));
  }
  const total = arriving.size;
  const reader = response.body.getReader();
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      arriving.push(part.value);
      onProgress(arriving.received, total);
    }
  } catch {
    throw new Error(w.cutOff(name ?? url, w.unreachable));
  }
}
