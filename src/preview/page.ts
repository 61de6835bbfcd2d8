/**
 * The page's side of the preview: the service worker asks this page to relay a request under
 * /preview/ (messages.ts); when it runs the machine (or the cluster node asked for), the page
 * hands the request to that machine's emulator worker as one relay command (relay.ts), and
 * the worker streams the server's answer straight back to the service worker.
 */
import * as Comlink from 'comlink';
import type { EmulatorContract } from '../../workers/emulator-contract';
import { CHUNK_BYTES, writeGuestFile } from '../files/guest-files';
import { lang } from '../i18n/page';
import { randomId } from '../storage/digest';
import { PREVIEW_ASK, type PreviewAnswer, type PreviewAsk } from './messages';
import { PREVIEW_TIMEOUT_MS, relayCommand } from './relay';

export interface PreviewHost {
  /** the emulator worker of the machine, or of a cluster node, when it runs and is not paused; null otherwise */
  workerFor(node?: string): Comlink.Remote<EmulatorContract> | null;
}

/** Answers the service worker's preview requests for as long as the page lives. */
export function answerPreviews(host: PreviewHost): void {
  const container = navigator.serviceWorker;
  if (!container) return;
  container.addEventListener('message', (event: MessageEvent) => {
    const ask = event.data as PreviewAsk | null;
    if (ask?.type !== PREVIEW_ASK || !event.ports[0]) return;
    void relay(host, ask, event.ports[0]);
  });
  container.startMessages();
}

async function relay(host: PreviewHost, ask: PreviewAsk, port: MessagePort): Promise<void> {
  const api = host.workerFor(ask.node);
  const say = (answer: PreviewAnswer) => port.postMessage(answer);
  if (!api) {
    say({ type: 'refused', lang, node: ask.node });
    port.close();
    return;
  }
  say({ type: 'accepted', lang });
  try {
    const worker = api;
    let command: string;
    if (ask.request.length <= CHUNK_BYTES) command = relayCommand(ask.port, { bytes: ask.request });
    else {
      // a large body goes in first as a file, in pieces; the relay sends it and removes it
      const file = `/tmp/.labbox-preview-${randomId()}`;
      await writeGuestFile((command, timeoutMs) => worker.exec(command, timeoutMs, ask.changes), file, ask.request);
      command = relayCommand(ask.port, { file });
    }
    await worker.execStream(command, Comlink.transfer(port, [port]), PREVIEW_TIMEOUT_MS, ask.changes);
  } catch (error) {
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    port.close();
  }
}
