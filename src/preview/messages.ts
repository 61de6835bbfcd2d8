/**
 * What the service worker and the page say to each other about a preview request. The
 * service worker posts a PreviewAsk to a page with a port; the page answers on that port with
 * PreviewAnswer, then hands the port to its emulator worker, whose StreamMessages (the
 * relay's output, workers/emulator-contract.ts) follow on it.
 */
import type { Language } from '../i18n';

export const PREVIEW_ASK = 'labbox-preview';

export interface PreviewAsk {
  type: typeof PREVIEW_ASK;
  /** a cluster node's name; absent for the main machine */
  node?: string;
  port: number;
  /** the HTTP request's bytes (encodeRequest) */
  request: Uint8Array;
  /** whether the request may change the machine (anything but GET and HEAD): the page saves it then */
  changes: boolean;
}

export type PreviewAnswer =
  /** the page relays the request: the relay's output follows on the port */
  | { type: 'accepted'; lang: Language }
  /** this page runs no machine (or not that node): ask another page */
  | { type: 'refused'; lang: Language; node?: string };

/** What the emulator worker's execStream posts on its port: the command's output as it arrives, then how it ended. */
export type StreamMessage = { type: 'data'; chunk: Uint8Array } | { type: 'end'; exitCode: number; stderr: string } | { type: 'error'; message: string };
