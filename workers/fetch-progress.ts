/** Downloads with progress, for the status bar. */

export async function fetchWithProgress(url: string, expectedSize: number, onProgress: (loaded: number, total: number) => void): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new Error(`Could not download ${url.split('/').pop()}: ${UNREACHABLE}.`);
  }
  if (!response.ok || !response.body) {
    throw new Error(`Could not download ${url.split('/').pop()}: the server answered HTTP ${response.status}.`);
  }
  const total = Number(response.headers.get('content-length')) || expectedSize;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out.buffer;
}

/** Why a file of the machine could not be fetched, in words for the trainee. */
export const UNREACHABLE = 'the network or the server is unreachable; if you are offline, this machine was not made available offline in this browser (the Offline button does that, once connected)';
