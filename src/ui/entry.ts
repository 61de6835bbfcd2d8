/**
 * The page's first script: it starts the emulator worker loading (its script, then v86's
 * WebAssembly), then loads the rest of the page (terminals, labs, panels: 600 KB of code)
 * beside it, so that the worker no longer waits for that code to be parsed and run first.
 */
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { isWebKit, loadWorkerEarly } from './guest';

if (!isWebKit()) loadWorkerEarly();
import('./main').catch((error: unknown) => {
  document.querySelector('#status')!.textContent = `LabBox could not load its page (${error instanceof Error ? error.message : String(error)}). Reload to try again.`;
});
