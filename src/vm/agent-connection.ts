/**
 * Connects an AgentClient to a v86 instance's first virtio-console port and waits until
 * the guest agent answers: shared by the Node runner and the browser worker.
 */
import type { V86 } from 'v86';
import { AgentClient } from './agent-client';
import type { FirstShell, GuestManifest } from './manifest';

/** The guest driver's receive buffers are one page each: a write never spans two. */
const CONSOLE_BUFFER = 4096;

interface V86Internals {
  bus: { send(name: string, data: unknown): void };
  v86?: { cpu?: { devices?: { virtio_console?: { virtio?: { device_status: number; queues?: { has_request(): boolean }[] } } } } };
}

/** The virtio status bit a driver sets once its queues are set up; a reset clears it. */
const DRIVER_OK = 4;

/**
 * Writes to console port 0 without losing bytes. v86 drops input when the guest has no free
 * receive buffer (a busy guest, a burst of keystrokes), and each write takes a whole buffer:
 * queue the bytes, merge them into buffer-sized writes, and send only when a buffer is free.
 * A guest that powered off or rebooted has reset the device: its queues point nowhere, nothing
 * in it can read what is written, and the pending bytes are dropped.
 */
export function consoleWriter(emulator: V86): (bytes: Uint8Array) => void {
  const internals = emulator as unknown as V86Internals;
  const pending: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const consoleDevice = () => internals.v86?.cpu?.devices?.virtio_console?.virtio;
  const driverGone = () => {
    const device = consoleDevice();
    return device !== undefined && (device.device_status & DRIVER_OK) === 0;
  };
  const bufferFree = () => consoleDevice()?.queues?.[0]?.has_request() ?? true;
  const pump = () => {
    timer = null;
    while (pending.length > 0) {
      if (driverGone()) {
        pending.length = 0;
        return;
      }
      if (!bufferFree()) {
        timer = setTimeout(pump, 2);
        return;
      }
      let size = 0;
      let count = 0;
      while (count < pending.length && size + pending[count].length <= CONSOLE_BUFFER) size += pending[count++].length;
      const write = new Uint8Array(size);
      let offset = 0;
      for (const piece of pending.splice(0, count)) {
        write.set(piece, offset);
        offset += piece.length;
      }
      internals.bus.send('virtio-console0-input-bytes', write);
    }
  };
  return (bytes) => {
    for (let i = 0; i < bytes.length; i += CONSOLE_BUFFER) pending.push(bytes.subarray(i, i + CONSOLE_BUFFER));
    if (!timer) pump();
  };
}

/** Wires an agent client to the emulator's console port 0 (the guest's /dev/hvc0). */
export function connectAgent(emulator: V86): AgentClient {
  const agent = new AgentClient(consoleWriter(emulator));
  emulator.add_listener('virtio-console0-output-bytes', (bytes: Uint8Array) => agent.receive(bytes));
  return agent;
}

/**
 * A fresh restore of the image's snapshot: its first shell holds an agent channel, which this
 * client must never reuse. Returns the shell for the first terminal to take over.
 */
export function reserveFirstShell(agent: AgentClient, manifest: GuestManifest): FirstShell | undefined {
  if (manifest.firstShell) agent.skipChannels(manifest.firstShell.channel + 1);
  return manifest.firstShell;
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
    await agent.waitColdStart(HELLO_GRACE_MS, timeoutMs);
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
  'sync; echo 3 > /proc/sys/vm/drop_caches; file=$(awk \'$1 == "file" {print $2}\' /sys/fs/cgroup/memory.stat); ' +
  '[ "${file:-0}" -gt 0 ] && timeout 20 sh -c "echo $file > /sys/fs/cgroup/memory.reclaim" 2>/dev/null; sync; true';
