import { describe, expect, it } from 'vitest';
import { FrameDecoder, FrameType, encodeFrame, type Frame, HEADER_SIZE } from '../../src/vm/agent-protocol';

const collect = () => {
  const frames: Frame[] = [];
  return { frames, decoder: new FrameDecoder((f) => frames.push(f)) };
};

describe('agent frames', () => {
  it('round-trips a frame byte by byte', () => {
    const { frames, decoder } = collect();
    const bytes = encodeFrame(FrameType.Exec, 0x01020304, 'echo héllo');
    for (const b of bytes) decoder.push(Uint8Array.of(b));
    expect(frames).toHaveLength(1);
    expect(frames[0].type).toBe(FrameType.Exec);
    expect(frames[0].channel).toBe(0x01020304);
    expect(new TextDecoder().decode(frames[0].payload)).toBe('echo héllo');
  });

  it('decodes several frames from one chunk, including empty payloads', () => {
    const { frames, decoder } = collect();
    const a = encodeFrame(FrameType.Ping, 0);
    const b = encodeFrame(FrameType.Stdout, 7, new Uint8Array([0xa5, 0, 1]));
    const joined = new Uint8Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    decoder.push(joined);
    expect(frames.map((f) => [f.type, f.channel, [...f.payload]])).toEqual([
      [FrameType.Ping, 0, []],
      [FrameType.Stdout, 7, [0xa5, 0, 1]],
    ]);
  });

  it('skips garbage before a frame (e.g. console noise after a restore)', () => {
    const { frames, decoder } = collect();
    decoder.push(new Uint8Array([1, 2, 3]));
    decoder.push(encodeFrame(FrameType.Exit, 3, '0'));
    expect(frames).toHaveLength(1);
    expect(new TextDecoder().decode(frames[0].payload)).toBe('0');
  });

  it('encodes the length in three little-endian bytes', () => {
    const frame = encodeFrame(FrameType.Input, 1, new Uint8Array(0x012345));
    expect(frame.length).toBe(HEADER_SIZE + 0x012345);
    expect([...frame.subarray(6, 9)]).toEqual([0x45, 0x23, 0x01]);
  });

  it('refuses payloads the agent would drop', () => {
    expect(() => encodeFrame(FrameType.Input, 1, new Uint8Array((1 << 20) + 1))).toThrow(/too large/);
  });
});
