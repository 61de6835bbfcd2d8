/** Helpers for tests against the real guest (restored from the image build's snapshot). */
import { afterAll, beforeAll } from 'vitest';
import { NodeVM } from '../../src/vm/node-vm';
import type { ExecResult } from '../../src/vm/agent-client';

/** One guest per test file, restored before its tests and stopped after. */
export function useGuest(): { vm: () => NodeVM } {
  let vm: NodeVM | undefined;
  beforeAll(async () => {
    vm = await NodeVM.start();
  });
  afterAll(async () => {
    await vm?.stop();
  });
  return {
    vm: () => {
      if (!vm) throw new Error('the guest did not start');
      return vm;
    },
  };
}

/** A guest that runs commands: a NodeVM, or a cluster's node in its thread. */
type Guest = Pick<NodeVM, 'exec'>;

export function run(vm: Guest, command: string, timeoutMs = 240_000): Promise<ExecResult> {
  return vm.exec(command, { timeoutMs });
}

/** Runs a command that must succeed; returns its stdout, or throws with its stderr. */
export async function ok(vm: Guest, command: string, timeoutMs = 240_000): Promise<string> {
  const r = await run(vm, command, timeoutMs);
  if (r.exitCode !== 0) {
    throw new Error(`\`${command}\` exited with ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r.stdout;
}
