/**
 * Connects an AgentClient to a v86 instance's first virtio-console port and waits until
 * the guest agent answers: shared by the Node runner and the browser worker.
 */
import type { V86 } from 'v86';
import { AgentClient } from './agent';

/** Wires an agent client to the emulator's console port 0 (the guest's /dev/hvc0). */
export function connectAgent(emulator: V86): AgentClient {
  const bus = (emulator as unknown as { bus: { send(name: string, data: unknown): void } }).bus;
  const agent = new AgentClient((bytes) => bus.send('virtio-console0-input-bytes', bytes));
  emulator.add_listener('virtio-console0-output-bytes', (bytes: Uint8Array) => agent.receive(bytes));
  return agent;
}

/** How long a cold boot waits for the agent's hello before pinging it. */
const HELLO_GRACE_MS = 120_000;

/**
 * Waits for the emulator to start and the agent to answer; a restored guest gets today's clock.
 * A cold guest's console device breaks if written before its driver is up, so a cold boot
 * waits for the agent's hello without writing.
 */
export async function waitForAgent(emulator: V86, agent: AgentClient, cold: boolean, timeoutMs = cold ? 600_000 : 60_000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the emulator did not load the guest image within 120 s')), 120_000);
    emulator.add_listener('emulator-started', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  if (cold) {
    // The hello can be missed (seen once on a loaded host): by this time the console driver
    // is long up, so asking is safe.
    await agent.waitHello(Math.min(timeoutMs, HELLO_GRACE_MS)).catch(() => agent.waitReady(timeoutMs));
  } else {
    await agent.waitReady(timeoutMs);
    await agent.setClock();
  }
}

/**
 * Shrinks what a saved state holds: writes dirty files out, then lets the kernel drop what it
 * can read back from the image's disk: clean page cache (drop_caches) and the pages of
 * programs' code (cgroup v2 proactive reclaim, which drop_caches leaves). The reclaim target is
 * the file cache's size: asking for more makes the kernel retry while running programs fault
 * their pages back in. Evicted pages return from the lazy disk when touched.
 */
export const SHRINK_GUEST_MEMORY =
  "sync; echo 3 > /proc/sys/vm/drop_caches; file=$(awk '$1 == \"file\" {print $2}' /sys/fs/cgroup/memory.stat); " +
  '[ "${file:-0}" -gt 0 ] && timeout 20 sh -c "echo $file > /sys/fs/cgroup/memory.reclaim" 2>/dev/null; sync; true';
