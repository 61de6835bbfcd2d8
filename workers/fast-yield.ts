/**
 * v86 runs the guest in slices of about a millisecond and, in a worker, yields between them
 * through a nested blob Worker: a round trip to another thread after every slice. A
 * MessageChannel within this worker yields as well (other messages still get their turn) at a
 * fraction of the cost. Longer waits (an idle guest's timers) keep v86's own path.
 */
import type { V86 } from 'v86';

interface V86Core {
  yield(t: number, tick: number): void;
  yield_callback(tick: number): void;
}

export function useFastYield(emulator: V86): void {
  emulator.add_listener('emulator-ready', () => {
    const core = (emulator as unknown as { v86?: V86Core }).v86;
    if (typeof core?.yield !== 'function' || typeof core.yield_callback !== 'function') return;
    const slow = core.yield.bind(core);
    const channel = new MessageChannel();
    channel.port1.onmessage = (event: MessageEvent<number>) => core.yield_callback(event.data);
    core.yield = (t, tick) => (t < 1 ? channel.port2.postMessage(tick) : slow(t, tick));
  });
}
