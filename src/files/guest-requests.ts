/**
 * What a guest command asks of the page through its terminal: `labbox-edit FILE` and
 * `labbox-download PATH` (images/guest/rootfs/usr/local/bin) print an OSC sequence,
 * `ESC ] 7711 ; edit ; <path in base64> BEL`, which the page's xterm.js hands to a handler
 * instead of the screen. The sequence only names the file: its bytes go through the agent.
 * Platform-free.
 */
import { fromBase64 } from './guest-files';

/** The OSC number LabBox's guest commands use (any other OSC is xterm.js's own business). */
export const LABBOX_OSC = 7711;

export interface GuestRequest {
  kind: 'edit' | 'download';
  /** an absolute path in the guest */
  path: string;
}

/** Reads an OSC 7711 payload (what follows `7711;`); null for anything malformed. */
export function parseGuestRequest(data: string): GuestRequest | null {
  const m = /^(edit|download);([A-Za-z0-9+/=]+)$/.exec(data);
  if (!m) return null;
  let path: string;
  try {
    path = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64(m[2]));
  } catch {
    return null;
  }
  if (!path.startsWith('/') || path.includes('\0')) return null;
  return { kind: m[1] as GuestRequest['kind'], path };
}
