/**
 * The headless runner: the LabBox guest in a terminal, without a browser.
 *   npm run vm -- exec '<command>'   restore the snapshot, run the command, print its
 *                                    output, exit with its exit code
 *   npm run vm -- shell              an interactive login shell in this terminal
 * Options: --cold (boot the kernel instead of restoring), --timeout SECONDS (exec),
 *          --image DIR (default images/out/dist or $LABBOX_IMAGE_DIR),
 *          --lab NAME (the machines that built-in lab starts: a cluster lab's nodes on one
 *          switch; the command or shell runs on node1, or on --node NAME).
 * Each machine runs in a thread of its own (../cluster/threaded-node.ts).
 * Exit code 125 means the runner itself failed (no image, the guest did not answer).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { NodeCluster } from '../cluster/node-cluster';
import type { NodeThreadOptions } from '../cluster/thread-protocol';
import { ThreadedNode } from '../cluster/threaded-node';
import { builtInLabPath, loadLab, type CatalogueEntry } from '../labs/load';

const RUNNER_FAILED = 125;
const usage = `usage: npm run vm -- exec '<command>' [--timeout SECONDS] [--cold] [--image DIR] [--lab NAME [--node NAME]]
       npm run vm -- shell [--cold] [--image DIR] [--lab NAME [--node NAME]]`;

const labsDir = path.resolve(import.meta.dirname, '../../public/labs');

/** How many machines a built-in lab starts (its `nodes:`, else one) and from which of the image's machines; a clear error for an unknown name. */
async function labMachines(name: string): Promise<{ nodes: number; machine?: string }> {
  const catalogue = JSON.parse(readFileSync(path.join(labsDir, 'index.json'), 'utf8')) as CatalogueEntry[];
  if (!catalogue.some((entry) => entry.id === name)) {
    throw new Error(`there is no built-in lab "${name}"; the labs are: ${catalogue.map((entry) => entry.id).join(', ')}`);
  }
  const lab = await loadLab(pathToFileURL(path.join(labsDir, builtInLabPath(name, 'en'))).href, async (url) => readFileSync(new URL(url), 'utf8'));
  return { nodes: lab.nodes ?? 1, machine: lab.machine };
}

/** The machine the command runs on, and how to stop everything that was started. */
async function startMachines(options: NodeThreadOptions, lab?: string, node = 'node1'): Promise<{ vm: ThreadedNode; stop: () => Promise<void> }> {
  const { nodes, machine } = lab ? await labMachines(lab) : { nodes: 1 };
  if (nodes > 1) {
    // node1 from the lab's machine, the other nodes from the default one (as in the page)
    const cluster = await NodeCluster.start(nodes, options, machine);
    try {
      return { vm: cluster.node(node), stop: () => cluster.stop() };
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }
  if (node !== 'node1') throw new Error(`--node ${node}: ${lab ? `the lab "${lab}" starts` : 'there is'} one machine only`);
  // no network card plugged anywhere: a machine alone
  const { node: vm } = await ThreadedNode.start({ ...options, machine }, () => {});
  return { vm, stop: () => vm.stop() };
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      cold: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '600' },
      image: { type: 'string' },
      lab: { type: 'string' },
      node: { type: 'string', default: 'node1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [verb, ...rest] = positionals;
  if (values.help || !['exec', 'shell'].includes(verb ?? '') || (verb === 'exec' && rest.length === 0)) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  const timeoutMs = Number(values.timeout) * 1000;
  if (!(timeoutMs > 0)) throw new Error(`--timeout must be a number of seconds, not "${values.timeout}"`);

  const { vm, stop } = await startMachines({ imageDir: values.image, cold: values.cold }, values.lab, values.node);
  try {
    return verb === 'exec' ? await exec(vm, rest.join(' '), timeoutMs) : await shell(vm);
  } finally {
    await stop();
  }
}

async function exec(vm: ThreadedNode, command: string, timeoutMs: number): Promise<number> {
  const result = await vm.exec(command, {
    timeoutMs,
    onStdout: (chunk) => process.stdout.write(chunk),
    onStderr: (chunk) => process.stderr.write(chunk),
  });
  return result.exitCode;
}

async function shell(vm: ThreadedNode): Promise<number> {
  const stdin = process.stdin;
  const size = () => [process.stdout.columns || 80, process.stdout.rows || 24] as const;
  return new Promise<number>((resolve) => {
    const onExit = (code: number) => {
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      resolve(code);
    };
    const pty = vm.shell(...size(), (data) => process.stdout.write(data), onExit);
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', (data: Buffer) => pty.write(new Uint8Array(data)));
    // end of piped input: an end-of-file keystroke, so the shell finishes what it was given
    stdin.on('end', () => pty.write('\x04'));
    process.stdout.on('resize', () => pty.resize(...size()));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`labbox vm: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(RUNNER_FAILED);
  },
);
