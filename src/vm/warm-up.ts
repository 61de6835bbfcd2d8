/**
 * The warm-up of a restored guest: its hot paths, run in the background once the first prompt
 * is on screen. The emulator compiles hot code as it runs and a restore starts with none
 * compiled, so the trainee's first command would otherwise be the slow one. Nearly all of a
 * `docker ps` or a `kubectl get pods` is its Go start-up, which the JIT compiles only after
 * several runs. The steps leave no trace a trainee could see in `docker ps -a`, `kubectl get`
 * or a lab's checks.
 */
import type { AgentClient, ExecResult } from './agent-client';

/**
 * Docker's: a probe gave 1.9, 1.9, 1.2, 1.2, 0.9, 0.9, 0.7 s… for `docker ps` after a
 * restore; with DEFAULT_JIT's threshold, which compiles later, ten steps bring the next
 * `docker ps` from about 1.3 s to 0.35-0.45 s (six: 0.5-0.6 s).
 */
export const DOCKER_WARM_UP: readonly string[] = ['docker version', ...Array<string>(9).fill('docker ps')];

/**
 * kubectl keeps what it found of the API groups in /root/.kube/cache for 10 minutes, by the
 * files' modification times; a restored guest's clock has moved on since its snapshot, so its
 * first `kubectl` would fetch every group again (1.2 s more in the emulator). The API server
 * restored is the one the cache describes: its files are made current again. A kubectl that
 * meets a resource type the cache lacks fetches the groups again itself.
 */
const KUBECTL_CACHE_CURRENT = '[ ! -d /root/.kube/cache ] || find /root/.kube/cache -type f -exec touch -c {} +';

/**
 * A guest running Kubernetes' control plane: kubectl's start-up first, then Docker's (the
 * Kubernetes lab reads `docker ps` too). Measured after a restore of the `kubernetes` machine:
 * `kubectl get pods` 2.0, 1.6, 1.5, 1.4, 1.2, 1.1… s, then 1.2 s (median of 5) after these
 * steps, against 1.6 s after five plain calls; the first `docker ps` after them 1.0 s, the next 0.45 s.
 */
export const KUBERNETES_WARM_UP: readonly string[] = [
  KUBECTL_CACHE_CURRENT,
  'kubectl get nodes',
  ...Array<string>(7).fill('kubectl get pods'),
  'docker version',
  'docker ps',
  'docker ps',
];

/** Exit 0 in a guest whose control plane runs, with kubectl's configuration for it. */
const RUNS_CONTROL_PLANE = 'pidof kube-apiserver >/dev/null && [ -s /root/.kube/config ]';

type Exec = Pick<AgentClient, 'exec'>;

/** The guest's warm-up: Kubernetes' where its control plane runs, else Docker's. */
export async function warmUpSteps(agent: Exec, stop?: AbortSignal): Promise<readonly string[]> {
  const r = await agent.exec(RUNS_CONTROL_PLANE, { timeoutMs: 30_000, signal: stop });
  return r.exitCode === 0 ? KUBERNETES_WARM_UP : DOCKER_WARM_UP;
}

/** CR, LF, Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-\ */
const RUN_KEYS = new Set([0x0d, 0x0a, 0x03, 0x04, 0x1a, 0x1c]);

/**
 * Whether a terminal's input makes the shell run something (Enter, Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-\):
 * from then on the guest's time is the trainee's, so the warm-up stops. Typing a command
 * does not stop it: echoing keys costs the guest little, and the warm-up meanwhile brings the
 * trainee's first `docker ps` from about 1 s to 0.7-0.8 s when Enter comes 1.5 s after the
 * prompt.
 */
export function runsCommand(input: Uint8Array): boolean {
  return input.some((byte) => RUN_KEYS.has(byte));
}

/**
 * Runs `steps` one at a time, until `stop` aborts: the trainee has run a command
 * (runsCommand), and from then on the guest's time is theirs (the step under way is killed
 * too). Returns how many steps ran; a step that fails ends the warm-up with its error.
 */
export async function warmUp(agent: Exec, steps: readonly string[], stop?: AbortSignal): Promise<number> {
  let ran = 0;
  for (const step of steps) {
    let r: ExecResult;
    try {
      r = await agent.exec(`${step} >/dev/null`, { timeoutMs: 120_000, signal: stop });
    } catch (error) {
      if (stop?.aborted) break;
      throw error;
    }
    if (r.exitCode !== 0) throw new Error(`The warm-up: \`${step}\` exited with ${r.exitCode}: ${r.stderr.trim()}`);
    ran++;
  }
  return ran;
}
