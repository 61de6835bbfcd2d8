/**
 * The page's first script: it starts the emulator worker loading (its script, then v86's
 * WebAssembly) and restoring the machine the page opens with, then loads the rest of the page
 * (terminals, labs, panels: 600 KB of code) beside it, so that the restore does not wait for
 * that code to be parsed and run first.
 */
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { chooseMachineEarly, imageUrl, isSeparateMachine, oneTab } from './first-machine';
import { isWebKit, loadWorkerEarly } from './worker-client';
import { errorText } from '../i18n';
import { t } from '../i18n/page';
import { sayPageWords } from './page-words';
import { PREVIEW_FOLDER } from '../preview/http';

/** Restores the machine at once, unless another tab runs it (the page shell then asks what to do). */
async function startEarly(): Promise<void> {
  if (!isSeparateMachine && !(await oneTab.takeWithin(500))) return;
  await loadWorkerEarly(imageUrl, chooseMachineEarly());
}

/** A preview address that reached the server, not the service worker (none yet, or plain http): say so, start nothing. */
const previewFolder = new URL(PREVIEW_FOLDER, new URL(import.meta.env.BASE_URL, location.href)).pathname;
if (location.pathname.startsWith(previewFolder)) {
  const p = document.createElement('p');
  p.id = 'labbox-preview-says';
  p.textContent = t.preview.needsServiceWorker;
  document.body.replaceChildren(p);
} else {
  const begun = isWebKit() ? Promise.resolve() : startEarly();
  sayPageWords();
  // never held back for long: a worker that is slow to load must not leave the page blank
  const waited = Promise.race([begun, new Promise((resolve) => setTimeout(resolve, 1500))]);
  waited
    .then(() => import('./main'))
    .catch((error: unknown) => {
      document.querySelector('#status')!.textContent = t.page.loadFailed(errorText(error, t));
    });
}
