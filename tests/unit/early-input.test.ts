import { describe, expect, it } from 'vitest';
import { EarlyInput } from '../../src/terminal/early-input';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c)).join('');

describe('EarlyInput', () => {
  it('keeps what is typed in order and hands it over once', () => {
    const early = new EarlyInput();
    early.add(bytes('echo '));
    early.add(bytes('hello\r'));
    expect(text(early.take().chunks)).toBe('echo hello\r');
    expect(early.take()).toEqual({ chunks: [], dropped: 0 });
  });

  it('keeps at most its limit and counts what it left out', () => {
    const early = new EarlyInput(8);
    early.add(bytes('12345'));
    early.add(bytes('67890'));
    early.add(bytes('abc'));
    const { chunks, dropped } = early.take();
    expect(text(chunks)).toBe('12345678');
    expect(dropped).toBe(5);
  });
});
