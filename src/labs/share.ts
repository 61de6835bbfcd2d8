/**
 * A lab packed into the page's URL fragment (`#lab=…`), so an instructor can share one with no
 * server: deflate (the platform's CompressionStream) then base64url. The fragment never
 * reaches a server.
 */
import type { Lab } from './lab';
import { LabLoadError } from './load';

/** Longer links break in chat tools and QR codes; a lab this big belongs at a URL. */
export const MAX_PACKED_CHARS = 32_000;

export async function packLab(text: string): Promise<string> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const packed = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  if (packed.length > MAX_PACKED_CHARS) {
    throw new LabLoadError('linkTooLong', packed.length, MAX_PACKED_CHARS);
  }
  return packed;
}

export async function unpackLab(packed: string): Promise<string> {
  const damaged = new LabLoadError('linkDamaged');
  if (packed.length > MAX_PACKED_CHARS || !/^[A-Za-z0-9_-]*$/.test(packed)) throw damaged;
  let binary: string;
  try {
    binary = atob(packed.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    throw damaged;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return await new Response(stream).text();
  } catch {
    throw damaged;
  }
}

/** A lab carried by a link has no URL to resolve shared files against: its checks must be inline. */
export function assertSelfContained(lab: Lab): void {
  if (lab.checksFile || lab.solutionFile) {
    throw new LabLoadError('linkNeedsInline');
  }
}
