import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../src/vm/agent';
import { DOCKER_WARM_UP, warmUpDocker } from '../../src/vm/guest-agent';

/** A small fake of the agent's exec: records the commands, answers with the given exit codes. */
function fakeAgent(exitCodes: number[] = []) {
  const commands: string[] = [];
  const agent = {
    exec: async (command: string): Promise<ExecResult> => {
      commands.push(command);
      const exitCode = exitCodes[commands.length - 1] ?? 0;
      return { exitCode, stdout: '', stderr: exitCode ? 'Cannot connect to the Docker daemon' : '', durationMs: 1 };
    },
  };
  return { agent, commands };
}

describe("Docker's warm-up", () => {
  it('runs every step in order, output discarded', async () => {
    const { agent, commands } = fakeAgent();
    expect(await warmUpDocker(agent)).toBe(DOCKER_WARM_UP.length);
    expect(commands).toEqual(DOCKER_WARM_UP.map((step) => `${step} >/dev/null`));
  });

  it('stops before the next step once the trainee types', async () => {
    const { agent, commands } = fakeAgent();
    // the trainee types while the second step runs
    expect(await warmUpDocker(agent, () => commands.length < 2)).toBe(2);
    expect(commands).toHaveLength(2);
  });

  it('ends with the failing step and its message', async () => {
    const { agent, commands } = fakeAgent([0, 1]);
    await expect(warmUpDocker(agent)).rejects.toThrow(/`docker ps` exited with 1: Cannot connect to the Docker daemon/);
    expect(commands).toHaveLength(2);
  });
});
