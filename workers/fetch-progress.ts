/** Downloads with progress, for the status bar. */

export async function fetchWithProgress(url: string, expectedSize: number, onProgress: (loaded: number, total: number) => void): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new Error(`Could not download ${url.split('/').pop()}: ${unreachableReason()}.`);
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
export function unreachableReason(): string {
  return navigator.onLine
    ? 'the network or the server is unreachable'
    : 'this browser is offline, and the machine was not made available offline here (use the Offline button once connected)';
}
