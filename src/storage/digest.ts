/** SHA-256 as hex: checks downloads against the manifest and stored snapshot pieces. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  // crypto.subtle exists only on https and localhost; a classroom server on a LAN address is
  // plain http, where the audited JavaScript implementation does the same work
  if (!globalThis.crypto?.subtle) return bytesToHex(sha256(data instanceof Uint8Array ? data : new Uint8Array(data)));
  const digest = await crypto.subtle.digest('SHA-256', data as ArrayBuffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A random id; crypto.randomUUID is missing outside secure contexts, getRandomValues is not. */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
}
