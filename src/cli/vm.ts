/**
 * The headless runner: the LabBox guest in a terminal, without a browser.
 *   npm run vm -- exec '<command>'   restore the snapshot, run the command, print its
 *                                    output, exit with its exit code
 *   npm run vm -- shell              an interactive login shell in this terminal
 * Options: --cold (boot the kernel instead of restoring), --timeout SECONDS (exec),
 *          --image DIR (default images/out/dist or $LABBOX_IMAGE_DIR).
 * Exit code 125 means the runner itself failed (no image, the guest did not answer).
 */
import { parseArgs } from 'node:util';
import { NodeVM } from '../vm/node-vm';

const RUNNER_FAILED = 125;
const usage = `usage: npm run vm -- exec '<command>' [--timeout SECONDS] [--cold] [--image DIR]
       npm run vm -- shell [--cold] [--image DIR]`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      cold: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '600' },
      image: { type: 'string' },
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

  const vm = await NodeVM.start({ imageDir: values.image, cold: values.cold });
  try {
    return verb === 'exec' ? await exec(vm, rest.join(' '), timeoutMs) : await shell(vm);
  } finally {
    await vm.stop();
  }
}

async function exec(vm: NodeVM, command: string, timeoutMs: number): Promise<number> {
  const result = await vm.exec(command, {
    timeoutMs,
    onStdout: (chunk) => process.stdout.write(chunk),
    onStderr: (chunk) => process.stderr.write(chunk),
  });
  return result.exitCode;
}

async function shell(vm: NodeVM): Promise<number> {
  const stdin = process.stdin;
  const size = () => [process.stdout.columns || 80, process.stdout.rows || 24] as const;
  return new Promise<number>((resolve) => {
    const onOutput = (data: Uint8Array) => process.stdout.write(data);
    const onExit = (code: number) => {
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      resolve(code);
    };
    // a fresh restore has a shell waiting at its prompt: take it over rather than start one
    const first = vm.firstShell;
    const pty = first ? vm.agent.attachPty(first.channel, onOutput, onExit) : vm.agent.openPty(...size(), onOutput, onExit);
    if (first) {
      process.stdout.write(first.screen);
      pty.resize(...size());
    }
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
