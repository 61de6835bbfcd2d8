/**
 * The first machine's emulator worker, spawned while the page's other modules load (main.ts
 * imports this first): the worker's script and v86 load meanwhile, instead of after the page
 * has set up and read its saved machines (about 150 ms of the warm open, measured).
 */
import { browserProblem, isWebKit, spawnEmulator, type EmulatorWorker } from './guest';

let early: EmulatorWorker | undefined = browserProblem() || isWebKit() ? undefined : spawnEmulator();

/** The early worker, once; later starts spawn their own. */
export function takeEarlyEmulator(): EmulatorWorker | undefined {
  const worker = early;
  early = undefined;
  return worker;
}
