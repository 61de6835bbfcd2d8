/** Downloads with progress, for the status bar. */
import type { ArrivingState } from '../src/vm/arriving-state';

/**
 * Downloads `url` into `arriving`, whose bytes a restore reads as they come, with progress for
 * the status bar. Resolves once the whole body is there; rejects with words for the trainee.
 */
export async function downloadInto(url: string, arriving: ArrivingState, onProgress: (loaded: number, total: number) => void): Promise<void> {
  const name = url.split('/').pop();
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new Error(`Could not download ${name}: ${UNREACHABLE}.`);
  }
  if (!response.ok || !response.body) {
    throw new Error(`Could not download ${name}: the server answered HTTP ${response.status}.`);
  }
  const total = arriving.size;
  const reader = response.body.getReader();
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      arriving.push(part.value);
      onProgress(arriving.received, total);
    }
  } catch {
    throw new Error(`The download of ${name} was cut off: ${UNREACHABLE}.`);
  }
}

/** Why a file of the machine could not be fetched, in words for the trainee. */
export const UNREACHABLE = 'the network or the server is unreachable; if you are offline, this machine was not made available offline in this browser (the Offline button does that, once connected)';
