import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosave, FULL_SAVE_INTERVAL_MS, TYPING_PAUSE_MS, type AutosaveHost, type ChangesAnswer } from '../../src/ui/autosave';

/** A fake machine: what it was asked to save, and what saving its changes answers. */
function host(answer: ChangesAnswer, over: Partial<AutosaveHost> = {}) {
  const calls: string[] = [];
  const fake: AutosaveHost = {
    saveChanges: async () => (calls.push('changes'), answer),
    saveFull: async () => calls.push('full'),
    hasChanges: async () => true,
    isBusy: async () => false,
    lastInput: () => -Infinity,
    ...over,
  };
  return { fake, calls };
}

describe('Autosave', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 100_000;
  });
  afterEach(() => vi.useRealTimers());

  it('saves what changed, and nothing whole, while deltas can be made', async () => {
    const { fake, calls } = host('saved');
    const autosave = new Autosave(fake, () => now);
    await autosave.tick(false);
    await vi.runAllTimersAsync();
    expect(calls).toEqual(['changes']);
  });

  it('waits for the trainee to stop typing, unless the tab is going', async () => {
    const { fake, calls } = host('saved', { lastInput: () => now - TYPING_PAUSE_MS / 2 });
    const autosave = new Autosave(fake, () => now);
    await autosave.tick(false);
    expect(calls).toEqual([]);
    await autosave.tick(true);
    expect(calls).toEqual(['changes']);
  });

  it("a tick still waiting on a machine that stopped (its worker gone) does not hold the next machine's saves", async () => {
    vi.stubGlobal('document', { addEventListener() {}, removeEventListener() {} });
    vi.stubGlobal('window', { addEventListener() {}, removeEventListener() {} });
    try {
      let asked = 0;
      const { fake, calls } = host('saved', { hasChanges: () => (++asked === 1 ? new Promise<boolean>(() => {}) : Promise.resolve(true)) });
      const autosave = new Autosave(fake, () => now);
      void autosave.tick(true);
      await vi.advanceTimersByTimeAsync(0);
      autosave.stop();
      await autosave.tick(true);
      expect(asked).toBe(2);
      expect(calls).toEqual(['changes']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('saves nothing when nothing changed', async () => {
    const { fake, calls } = host('saved', { hasChanges: async () => false });
    await new Autosave(fake, () => now).tick(true);
    expect(calls).toEqual([]);
  });

  it('makes the first save a full one at once, even on a busy guest', async () => {
    const { fake, calls } = host('first', { isBusy: async () => true });
    await new Autosave(fake, () => now).tick(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['changes', 'full']);
  });

  it('saves a machine saved only whole (a cluster) at most once per interval', async () => {
    const { fake, calls } = host('full');
    const autosave = new Autosave(fake, () => now);
    await autosave.tick(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['changes', 'full']);
    await autosave.tick(false);
    now += 60_000;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['changes', 'full', 'changes']);
    now += FULL_SAVE_INTERVAL_MS;
    await vi.advanceTimersByTimeAsync(FULL_SAVE_INTERVAL_MS);
    expect(calls).toEqual(['changes', 'full', 'changes', 'full']);
  });

  it('holds a full save back while the guest is busy, then saves anyway', async () => {
    const { fake, calls } = host('compact', { isBusy: async () => true });
    const autosave = new Autosave(fake, () => now);
    await autosave.tick(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual(['changes']);
    await vi.advanceTimersByTimeAsync(4 * 30_000);
    expect(calls).toEqual(['changes', 'full']);
  });
});
