import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECK_MS, FOLLOW_UP_MS, HEARTBEAT_MS, SILENCE_MS, SLOW_MS, Watchdog } from '../../src/ui/watchdog';

/** A guest whose heartbeats answer (after `delayMs`), fail at once, or never answer. */
function guest() {
  const g = {
    mode: 'answer' as 'answer' | 'fail' | 'silent',
    delayMs: 50,
    beats: 0,
    events: [] as string[],
    host: {
      beat: (timeoutMs: number) => {
        g.beats++;
        if (g.mode === 'fail') return Promise.reject(new Error('fork: Resource temporarily unavailable'));
        if (g.mode === 'silent') return new Promise<null>((done) => setTimeout(() => done(null), timeoutMs));
        return new Promise<number>((done) => setTimeout(() => done(64 << 20), g.delayMs));
      },
      answered: () => g.events.push('answered'),
      stopped: () => g.events.push(`stopped at ${Date.now()}`),
      answersAgain: () => g.events.push('answers again'),
    },
  };
  return g;
}

describe('the watchdog', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('says nothing while the guest answers, even slowly', async () => {
    const g = guest();
    g.delayMs = SILENCE_MS - 1500;
    const dog = new Watchdog(g.host, () => Date.now());
    dog.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(g.events.filter((e) => e !== 'answered')).toEqual([]);
    expect(dog.alarmed).toBe(false);
    dog.stop();
  });

  it('gives its verdict within 15 s of the guest going silent, whenever that happens', async () => {
    for (const silentAt of [0, 1_000, 2_500, 4_900, 5_100]) {
      const g = guest();
      const dog = new Watchdog(g.host, () => Date.now());
      const start = Date.now();
      dog.start();
      await vi.advanceTimersByTimeAsync(HEARTBEAT_MS * 2 + silentAt);
      const since = Date.now();
      g.mode = 'silent';
      expect(dog.healthy).toBe(true);
      await vi.advanceTimersByTimeAsync(15_000);
      const at = Number(g.events.find((e) => e.startsWith('stopped'))?.split(' ')[2]);
      expect(at - since, `silent ${silentAt} ms after the start ${start}`).toBeLessThanOrEqual(HEARTBEAT_MS + SILENCE_MS + CHECK_MS);
      expect(dog.healthy).toBe(false);
      dog.stop();
    }
  });

  it('counts heartbeats that fail at once (a guest that cannot fork) as unanswered', async () => {
    const g = guest();
    const dog = new Watchdog(g.host, () => Date.now());
    dog.start();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    g.mode = 'fail';
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect(dog.healthy).toBe(false);
    expect(dog.alarmed).toBe(false);
    await vi.advanceTimersByTimeAsync(SILENCE_MS + CHECK_MS);
    expect(dog.alarmed).toBe(true);
    dog.stop();
  });

  it('is late (no save) while a heartbeat waits, and takes the verdict back when the guest answers again', async () => {
    const g = guest();
    const dog = new Watchdog(g.host, () => Date.now());
    dog.start();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS - 100);
    g.mode = 'silent';
    await vi.advanceTimersByTimeAsync(2_500);
    expect(dog.healthy).toBe(false);
    await vi.advanceTimersByTimeAsync(SILENCE_MS + HEARTBEAT_MS);
    expect(dog.alarmed).toBe(true);
    const answeredBefore = dog.lastAnswerAt;
    g.mode = 'answer';
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS + SILENCE_MS);
    const stoppedAt = g.events.findIndex((e) => e.startsWith('stopped'));
    expect(g.events.slice(stoppedAt + 1, stoppedAt + 3)).toEqual(['answered', 'answers again']);
    expect(dog.alarmed).toBe(false);
    expect(dog.healthy).toBe(true);
    expect(dog.lastAnswerAt).toBeGreaterThan(answeredBefore);
    dog.stop();
  });

  it('follows a slow answer with a heartbeat soon after, so a guest going down is found sooner', async () => {
    const g = guest();
    const dog = new Watchdog(g.host, () => Date.now());
    dog.start();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS - 10);
    // the heartbeat sent at 5 s answers after 2.5 s, then the guest goes silent (a fork bomb)
    g.delayMs = 2_500;
    await vi.advanceTimersByTimeAsync(10);
    g.delayMs = 50;
    await vi.advanceTimersByTimeAsync(2_500);
    const lastAnswer = Date.now();
    g.mode = 'silent';
    await vi.advanceTimersByTimeAsync(FOLLOW_UP_MS + SILENCE_MS + CHECK_MS);
    expect(dog.alarmed).toBe(true);
    expect(Number(g.events.find((e) => e.startsWith('stopped'))?.split(' ')[2]) - lastAnswer).toBeLessThanOrEqual(FOLLOW_UP_MS + SILENCE_MS + CHECK_MS);
    expect(SLOW_MS).toBeLessThan(2_500);
    dog.stop();
  });

  it('starts over on the next machine: no verdict carried over, no "answers again" for it', async () => {
    const g = guest();
    const dog = new Watchdog(g.host, () => Date.now());
    dog.start();
    g.mode = 'silent';
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS + SILENCE_MS + CHECK_MS);
    expect(dog.alarmed).toBe(true);
    dog.stop();
    g.mode = 'answer';
    dog.start();
    expect(dog.alarmed).toBe(false);
    expect(dog.healthy).toBe(true);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS * 2);
    expect(g.events).not.toContain('answers again');
    dog.stop();
  });

  it('sends one heartbeat at a time', async () => {
    const g = guest();
    g.mode = 'silent';
    const dog = new Watchdog(g.host, () => Date.now());
    dog.start();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS * 4 - 1);
    // each waits SILENCE_MS (twice HEARTBEAT_MS): the beats between are skipped
    expect(g.beats).toBe(2);
    dog.stop();
  });
});
