import { describe, expect, it } from 'vitest';
import { AgentClient, AgentTimeoutError } from '../../src/vm/agent-client';
import { FrameDecoder, FrameType, encodeFrame, type Frame } from '../../src/vm/agent-protocol';

/** A small fake of the guest agent: answers pings and scripted execs. */
function fakeGuest(answer: (command: string, channel: number, reply: (f: Uint8Array) => void) => void) {
  const sent: Frame[] = [];
  const reply = (f: Uint8Array) => queueMicrotask(() => client.receive(f));
  const decoder = new FrameDecoder((frame) => {
    sent.push(frame);
    if (frame.type === FrameType.Ping) reply(encodeFrame(FrameType.Pong, 0, 'labbox-agent 2'));
    if (frame.type === FrameType.SetClock) reply(encodeFrame(FrameType.Exit, frame.channel, '0'));
    if (frame.type === FrameType.Exec) answer(new TextDecoder().decode(frame.payload), frame.channel, reply);
  });
  const client = new AgentClient((bytes) => decoder.push(bytes));
  return { client, sent };
}

describe('AgentClient', () => {
  it('collects stdout, stderr and the exit code of a command', async () => {
    const { client } = fakeGuest((command, ch, reply) => {
      expect(command).toBe('ls /nope');
      reply(encodeFrame(FrameType.Stdout, ch, 'out'));
      reply(encodeFrame(FrameType.Stderr, ch, 'ls: /nope: No such file'));
      reply(encodeFrame(FrameType.Exit, ch, '2'));
    });
    const r = await client.exec('ls /nope');
    expect(r).toMatchObject({ stdout: 'out', stderr: 'ls: /nope: No such file', exitCode: 2 });
  });

  it('reattaches a restored shell and never reuses its channel', async () => {
    const { client, sent } = fakeGuest((_, ch, reply) => reply(encodeFrame(FrameType.Exit, ch, '0')));
    client.skipChannels(8);
    const output: string[] = [];
    const pty = client.attachPty(
      5,
      (d) => output.push(new TextDecoder().decode(d)),
      () => {},
    );
    client.receive(encodeFrame(FrameType.PtyOutput, 5, 'still here'));
    pty.write('ls\r');
    await client.exec('true');
    expect(output).toEqual(['still here']);
    expect(sent.map((f) => [f.type, f.channel])).toEqual([
      [FrameType.Input, 5],
      [FrameType.Exec, 8],
    ]);
    expect(client.nextChannelId).toBe(9);
  });

  it('sets the clock with one frame to the agent, not a program', async () => {
    const { client, sent } = fakeGuest(() => {});
    await client.setClock(new Date(1_764_615_600_123));
    expect(sent.map((f) => [f.type, new TextDecoder().decode(f.payload)])).toEqual([[FrameType.SetClock, '1764615600123']]);
  });

  it('says what the agent answered when the clock cannot be set', async () => {
    const client: AgentClient = new AgentClient((bytes) => decoder.push(bytes));
    const decoder = new FrameDecoder((f) => queueMicrotask(() => client.receive(encodeFrame(FrameType.Error, f.channel, 'Operation not permitted'))));
    await expect(client.setClock()).rejects.toThrow(/could not run the clock change: Operation not permitted/);
  });

  it('keeps concurrent commands apart by channel', async () => {
    const { client } = fakeGuest((command, ch, reply) => {
      setTimeout(
        () => {
          reply(encodeFrame(FrameType.Stdout, ch, command));
          reply(encodeFrame(FrameType.Exit, ch, '0'));
        },
        command === 'a' ? 20 : 1,
      );
    });
    const [a, b] = await Promise.all([client.exec('a'), client.exec('b')]);
    expect([a.stdout, b.stdout]).toEqual(['a', 'b']);
  });

  it('times out with a clear error and kills the command', async () => {
    const { client, sent } = fakeGuest(() => {});
    await expect(client.exec('sleep 100', { timeoutMs: 50 })).rejects.toThrow(AgentTimeoutError);
    await expect(client.exec('sleep 100', { timeoutMs: 50 })).rejects.toThrow(/did not finish `sleep 100` within/);
    expect(sent.some((f) => f.type === FrameType.Close)).toBe(true);
  });

  it('stops a command when its signal aborts, and kills it in the guest', async () => {
    const { client, sent } = fakeGuest(() => {});
    const stop = new AbortController();
    const r = client.exec('docker version', { signal: stop.signal });
    stop.abort();
    await expect(r).rejects.toThrow(/`docker version` was stopped/);
    expect(sent.map((f) => f.type)).toEqual([FrameType.Exec, FrameType.Close]);
    await expect(client.exec('docker ps', { signal: stop.signal })).rejects.toThrow(/`docker ps` was stopped before it started/);
    expect(sent).toHaveLength(2);
  });

  it('waits for the agent and reports its version', async () => {
    const { client } = fakeGuest(() => {});
    await expect(client.waitReady(1000)).resolves.toBe('labbox-agent 2');
  });

  it('says so when no agent answers', async () => {
    const silent = new AgentClient(() => {});
    await expect(silent.waitReady(100)).rejects.toThrow(/did not answer within/);
  });

  it("waits for a cold guest's hello without writing, and asks once the hello is overdue", async () => {
    const { client, sent } = fakeGuest(() => {});
    const hello = client.waitColdStart(1000, 5000);
    client.receive(encodeFrame(FrameType.Pong, 0, 'labbox-agent hello'));
    expect(await hello).toBe('labbox-agent hello');
    expect(sent).toEqual([]);
    expect(await client.waitColdStart(50, 5000)).toBe('labbox-agent 2');
    expect(sent.map((f) => f.type)).toEqual([FrameType.Ping]);
  });
});
