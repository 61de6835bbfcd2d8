import { describe, expect, it } from 'vitest';
import { AgentError, type ExecOptions, type ExecResult } from '../../src/vm/agent-client';
import { DOCKER_WARM_UP, KUBERNETES_WARM_UP, runsCommand, warmUp, warmUpSteps } from '../../src/vm/warm-up';

/**
 * A small fake of the agent's exec: records the commands, answers with the given exit codes;
 * `hang` leaves one step running until its signal aborts, as the agent does when it kills it.
 */
function fakeAgent(exitCodes: number[] = [], hang = -1) {
  const commands: string[] = [];
  const agent = {
    exec: (command: string, options: ExecOptions = {}): Promise<ExecResult> => {
      commands.push(command);
      if (commands.length - 1 === hang) {
        return new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(new AgentError(`\`${command}\` was stopped`))));
      }
      const exitCode = exitCodes[commands.length - 1] ?? 0;
      return Promise.resolve({ exitCode, stdout: '', stderr: exitCode ? 'Cannot connect to the Docker daemon' : '', durationMs: 1 });
    },
  };
  return { agent, commands };
}

describe("the guest's warm-up", () => {
  it('runs every step in order, output discarded', async () => {
    const { agent, commands } = fakeAgent();
    expect(await warmUp(agent, DOCKER_WARM_UP)).toBe(DOCKER_WARM_UP.length);
    expect(commands).toEqual(DOCKER_WARM_UP.map((step) => `${step} >/dev/null`));
  });

  it('stops, the step under way included, once the trainee runs a command', async () => {
    const { agent, commands } = fakeAgent([], 2);
    const running = new AbortController();
    const steps = warmUp(agent, DOCKER_WARM_UP, running.signal);
    await new Promise((r) => setTimeout(r, 10));
    running.abort();
    expect(await steps).toBe(2);
    expect(commands).toHaveLength(3);
  });

  it('ends with the failing step and its message', async () => {
    const { agent, commands } = fakeAgent([0, 1]);
    await expect(warmUp(agent, DOCKER_WARM_UP)).rejects.toThrow(/`docker ps` exited with 1: Cannot connect to the Docker daemon/);
    expect(commands).toHaveLength(2);
  });

  it('is stopped by the keys that run something, not by typing', () => {
    const keys = (text: string) => new TextEncoder().encode(text);
    for (const typed of ['d', 'docker ps', '\x7f', '\x1b[A', '\t', 'é']) expect(runsCommand(keys(typed)), JSON.stringify(typed)).toBe(false);
    for (const run of ['\r', '\n', 'docker ps\r', '\x03', '\x04', '\x1a', '\x1c']) expect(runsCommand(keys(run)), JSON.stringify(run)).toBe(true);
  });

  it("is Kubernetes' where the control plane runs, else Docker's", async () => {
    expect(await warmUpSteps(fakeAgent([0]).agent)).toBe(KUBERNETES_WARM_UP);
    expect(await warmUpSteps(fakeAgent([1]).agent)).toBe(DOCKER_WARM_UP);
    expect(KUBERNETES_WARM_UP.filter((step) => step.startsWith('kubectl get')).length).toBeGreaterThan(4);
  });
});
