/**
 * Notices the guest agent starting again: `kill -9 -1` or `pkill -9 labbox-agent` in a root
 * shell kills it, and busybox init starts a new one, which says hello (a Pong frame) and knows
 * none of the old one's channels. Its shells died with it (their terminal's other end closed):
 * the commands and terminals still waiting on the old agent are failed, so each terminal says
 * its shell ended instead of waiting for good. Platform-free: the Node guest tests use it too.
 */
import type { V86 } from 'v86';
import type { AgentClient } from '../src/vm/agent-client';
import { FrameDecoder, FrameType } from '../src/vm/agent-protocol';

/**
 * Listens to the agent's port from its first byte (a decoder that started mid-stream could
 * read a header in a payload); once `armed` (the start's pings answered: nothing pings after),
 * a Pong is the hello of a new agent. Calls `restarted` after failing what waited on the old one.
 */
export function watchAgentRestart(emulator: V86, agent: AgentClient, armed: () => boolean, restarted: () => void = () => {}): void {
  const decoder = new FrameDecoder((frame) => {
    if (frame.type !== FrameType.Pong || !armed()) return;
    agent.abortAll('the guest agent started again: its shells and commands ended');
    restarted();
  });
  emulator.add_listener('virtio-console0-output-bytes', (bytes: Uint8Array) => decoder.push(bytes));
}
