/**
 * A v86 instance's network card (net0, the guest's eth0) as a pair of frame streams: what
 * the guest sends goes to `send`; the returned function hands a frame to the guest.
 * Used by the Node cluster (straight into the switch) and the worker (over a MessagePort).
 */
import type { V86 } from 'v86';

interface V86Bus {
  bus: { send(name: string, data: unknown): void };
}

export function attachNic(emulator: V86, send: (frame: Uint8Array) => void): (frame: Uint8Array) => void {
  // v86 may reuse the buffer behind a sent frame: copy it before it leaves
  (emulator as unknown as { add_listener(name: string, f: (frame: Uint8Array) => void): void }).add_listener('net0-send', (frame) => send(frame.slice()));
  const bus = (emulator as unknown as V86Bus).bus;
  return (frame) => bus.send('net0-receive', frame);
}
