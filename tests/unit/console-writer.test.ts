import { describe, expect, it } from 'vitest';
import type { V86 } from 'v86';
import { consoleWriter } from '../../src/vm/agent-connection';

/** A small fake of v86's console device: a status, a count of free receive buffers, the writes it got. */
function fakeConsole(status: number, freeBuffers: number) {
  const writes: Uint8Array[] = [];
  const virtio = { device_status: status, free: freeBuffers, queues: [{ has_request: () => virtio.free > 0 }] };
  const emulator = {
    bus: {
      send: (_name: string, data: Uint8Array) => {
        if (virtio.free === 0) throw new RangeError('offset is out of bounds');
        virtio.free--;
        writes.push(data);
      },
    },
    v86: { cpu: { devices: { virtio_console: { virtio } } } },
  };
  return { write: consoleWriter(emulator as unknown as V86), writes, virtio };
}

describe('the console writer', () => {
  it('merges small writes into buffer-sized ones and waits for a free buffer', async () => {
    const { write, writes, virtio } = fakeConsole(0x0f, 1);
    write(new Uint8Array(3000));
    write(new Uint8Array(3000));
    expect(writes.map((w) => w.length)).toEqual([3000]);
    virtio.free = 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writes.map((w) => w.length)).toEqual([3000, 3000]);
  });

  it('drops what a guest that reset its console (powered off, rebooted) can no longer read', async () => {
    const { write, writes, virtio } = fakeConsole(0x0f, 0);
    write(new Uint8Array(10));
    virtio.device_status = 0;
    await new Promise((resolve) => setTimeout(resolve, 20));
    write(new Uint8Array(10));
    virtio.free = 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writes).toEqual([]);
  });
});
