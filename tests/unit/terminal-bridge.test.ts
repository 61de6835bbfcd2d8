import { describe, expect, it } from 'vitest';
import type { AgentClient, PtyHandle } from '../../src/vm/agent-client';
import { TerminalBridge, type TerminalEvent } from '../../workers/terminal-bridge';

/** A small fake of the agent's PTY side. */
function fakeAgent() {
  const calls: string[] = [];
  let output: (d: Uint8Array) => void = () => {};
  let exit: (code: number) => void = () => {};
  const agent = {
    openPty(cols: number, rows: number, onOutput: (d: Uint8Array) => void, onExit: (c: number) => void): PtyHandle {
      calls.push(`open ${cols}x${rows}`);
      output = onOutput;
      exit = onExit;
      return {
        channel: 5,
        write: (d) => calls.push(`write ${new TextDecoder().decode(d as Uint8Array)}`),
        resize: (c, r) => calls.push(`resize ${c}x${r}`),
        close: () => calls.push('close'),
      };
    },
  } as unknown as AgentClient;
  return { agent, calls, output: (s: string) => output(new TextEncoder().encode(s)), exit: (c: number) => exit(c) };
}

describe('TerminalBridge', () => {
  it('batches PTY output into one message and reports the exit', async () => {
    const fake = fakeAgent();
    const { port1, port2 } = new MessageChannel();
    const events: TerminalEvent[] = [];
    port1.onmessage = (e) => events.push(e.data);
    const bridge = new TerminalBridge(fake.agent, port2, 80, 24);
    expect(bridge.channel).toBe(5);
    for (const ch of 'hello') fake.output(ch);
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toHaveLength(1);
    expect(new TextDecoder().decode((events[0] as { data: Uint8Array }).data)).toBe('hello');
    fake.output('bye');
    fake.exit(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(events.map((e) => e.type)).toEqual(['output', 'output', 'exit']);
    port1.close();
  });

  it('forwards input, resizes and close to the PTY', async () => {
    const fake = fakeAgent();
    const { port1, port2 } = new MessageChannel();
    new TerminalBridge(fake.agent, port2, 100, 30);
    port1.postMessage({ type: 'input', data: new TextEncoder().encode('ls\r') });
    port1.postMessage({ type: 'resize', cols: 120, rows: 40 });
    port1.postMessage({ type: 'close' });
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.calls).toEqual(['open 100x30', 'write ls\r', 'resize 120x40', 'close']);
    port1.close();
    port2.close();
  });
});
