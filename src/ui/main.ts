/** The page shell: start the guest, show progress, open the first terminal. */
import * as Comlink from 'comlink';
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { browserProblem, isWebKit, startGuest, type Guest } from './guest';
import { HelpOverlay } from './help';
import { StatusBar } from './status-bar';
import { Terminals } from './terminals';

const status = new StatusBar(document.querySelector('#status')!);
const help = new HelpOverlay(document.body);
document.querySelector<HTMLButtonElement>('#help-button')!.onclick = () => help.toggle();

/** Where the guest image is served; `?image=` lets an instructor point at another build. */
const imageUrl = new URLSearchParams(location.search).get('image') ?? `${import.meta.env.BASE_URL}guest/`;

let guest: Guest | null = null;
let terminals: Terminals | null = null;
let memoryTimer: ReturnType<typeof setInterval> | undefined;
let missedPolls = 0;
let paused = false;
const pauseButton = document.querySelector<HTMLButtonElement>('#pause-button')!;
const resetButton = document.querySelector<HTMLButtonElement>('#reset-button')!;

async function boot(cold = false): Promise<void> {
  const problem = browserProblem();
  if (problem) return status.error(problem);
  if (isWebKit()) {
    status.error('Safari and iOS browsers limit a page to about 256 MB, less than this machine needs (512 MB). Please use Firefox, Chrome or Edge on a computer.');
    return;
  }
  try {
    const started = await startGuest({ imageUrl, cold }, (p) => status.progress(p));
    guest = started.guest;
    const g = guest;
    document.querySelector('#tabs')!.replaceChildren();
    document.querySelector('#terminals')!.replaceChildren();
    terminals = new Terminals(document.querySelector('#tabs')!, document.querySelector('#terminals')!, {
      // the port moves to the worker (transferred, not copied)
      openTerminal: (cols, rows, port) => g.api.openTerminal(cols, rows, Comlink.transfer(port, [port])),
    });
    await terminals.open();
    document.body.dataset.ready = 'true';
    pauseButton.disabled = resetButton.disabled = false;
    missedPolls = 0;
    memoryTimer = setInterval(() => void poll(started.info.memorySize), 5000);
  } catch (error) {
    stop();
    status.error(error instanceof Error ? error.message : String(error), () => void boot(cold));
  }
}

function stop(): void {
  clearInterval(memoryTimer);
  guest?.terminate();
  guest = null;
  terminals = null;
  document.body.dataset.ready = 'false';
  pauseButton.disabled = resetButton.disabled = true;
}

/** Guest memory for the status bar; also the heartbeat that notices a guest gone silent. */
async function poll(total: number): Promise<void> {
  if (paused || !guest) return;
  const r = await guest.api.exec("awk '/MemTotal/{t=$2} /MemAvailable/{a=$2} END{print (t-a)*1024}' /proc/meminfo", 20_000).catch(() => null);
  if (r?.exitCode === 0) {
    missedPolls = 0;
    status.memoryUse(Number(r.stdout), total);
  } else if (++missedPolls >= 3) {
    clearInterval(memoryTimer);
    status.error('The machine stopped answering. Restart it from its snapshot (work since then is lost) or wait and reload.', () => {
      stop();
      void boot();
    });
  }
}

pauseButton.onclick = async () => {
  if (!guest) return;
  paused = !paused;
  await (paused ? guest.api.pause() : guest.api.resume());
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  status.progress({ phase: paused ? 'paused' : 'ready', message: paused ? 'Paused' : 'Ready' });
};

resetButton.onclick = () => {
  if (!confirm('Reset the machine to a fresh copy? Files, containers and images you made are lost.')) return;
  stop();
  paused = false;
  pauseButton.textContent = 'Pause';
  void boot();
};

window.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.code === 'F1') {
    e.preventDefault();
    help.toggle();
  } else if (terminals?.handleKey(e)) e.preventDefault();
  else if (e.ctrlKey && e.shiftKey && e.code === 'KeyF') {
    e.preventDefault();
    const term = terminals?.current();
    const text = term && prompt('Search the terminal for:');
    if (term && text) term.search.findNext(text);
  }
});

void boot();
