import { describe, expect, it } from 'vitest';
import { OneTab, type ChannelLike, type LockManagerLike, type OneTabMessage } from '../../src/ui/one-tab';

/** One exclusive lock shared by the fake tabs, granted in the order asked, as the Web Locks API does. */
function fakeLocks(): LockManagerLike {
  let held = false;
  const queue: (() => void)[] = [];
  return {
    async request(_name, { ifAvailable }, callback) {
      if (held && ifAvailable) return callback(null);
      if (held) await new Promise<void>((grant) => queue.push(grant));
      held = true;
      try {
        return await callback({});
      } finally {
        held = false;
        queue.shift()?.();
      }
    },
  };
}

/** A broadcast channel between the fake tabs: a message reaches every other tab. */
function fakeChannels() {
  const all: ChannelLike[] = [];
  return () => {
    const channel: ChannelLike = {
      onmessage: null,
      postMessage: (data: OneTabMessage) => setTimeout(() => all.filter((c) => c !== channel).forEach((c) => c.onmessage?.({ data }))),
    };
    all.push(channel);
    return channel;
  };
}

function twoTabs() {
  const locks = fakeLocks();
  const channel = fakeChannels();
  return [new OneTab({ locks, channel: channel() }), new OneTab({ locks, channel: channel() })];
}

describe('OneTab', () => {
  it('lets one tab hold the machine; the second finds it taken', async () => {
    const [first, second] = twoTabs();
    expect(await first.tryTake()).toBe(true);
    expect(await second.tryTake()).toBe(false);
    expect(first.holds).toBe(true);
    expect(second.holds).toBe(false);
  });

  it('hands the machine over once the holder has saved and stopped it', async () => {
    const [first, second] = twoTabs();
    await first.tryTake();
    const steps: string[] = [];
    first.onHandOverAsked = async () => {
      steps.push('saved and stopped');
      return null;
    };
    first.onHandedOver = () => steps.push('let go');
    await second.askHandOver(5_000);
    expect(steps).toEqual(['saved and stopped', 'let go']);
    expect(second.holds).toBe(true);
    expect(first.holds).toBe(false);
    expect(await first.tryTake()).toBe(false);
  });

  it('keeps the machine where it is when the holder cannot save it, and says why', async () => {
    const [first, second] = twoTabs();
    await first.tryTake();
    first.onHandOverAsked = async () => 'the disk is full';
    await expect(second.askHandOver(5_000)).rejects.toThrow(/could not save its machine \(the disk is full\)/);
    expect(first.holds).toBe(true);
    expect(second.holds).toBe(false);
  });

  it('says so when the holder does not answer', async () => {
    const [first, second] = twoTabs();
    await first.tryTake();
    first.onHandOverAsked = () => new Promise(() => {});
    await expect(second.askHandOver(50)).rejects.toThrow(/did not hand the machine over/);
  });

  it('takes the machine as soon as a tab letting go of it does, within the grace time', async () => {
    const [first, second] = twoTabs();
    await first.tryTake();
    setTimeout(() => first.release(), 20);
    expect(await second.takeWithin(1_000)).toBe(true);
    const [third, fourth] = twoTabs();
    await third.tryTake();
    expect(await fourth.takeWithin(20)).toBe(false);
  });

  it('runs every tab as before in a browser without Web Locks', async () => {
    const tab = new OneTab({});
    expect(await tab.tryTake()).toBe(true);
    expect(tab.holds).toBe(true);
  });
});
