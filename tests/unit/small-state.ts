/** Small v86 states in the snapshot layout, for tests of what reads and writes them. */
import { PAGE_SIZE, serializeState } from '../../src/vm/snapshot-layout';

/**
 * A small state in the snapshot layout: `pages` maps a page address (of 32) to a fill byte,
 * `disk` is a device buffer that grows as the guest writes.
 */
export function state(pages: Record<number, number>, disk: number[] = [1, 2, 3]): Uint8Array {
  const bitmap = new Uint8Array(4);
  const addresses = Object.keys(pages)
    .map(Number)
    .sort((a, b) => a - b);
  for (const n of addresses) bitmap[n >> 3] |= 1 << (n & 7);
  const trailing = new Uint8Array(addresses.length * PAGE_SIZE);
  addresses.forEach((n, i) => trailing.fill(pages[n], i * PAGE_SIZE, (i + 1) * PAGE_SIZE).fill(n, i * PAGE_SIZE, i * PAGE_SIZE + 1));
  const ref = (id: number) => ({ __state_type__: 'Uint8Array', buffer_id: id });
  const st: unknown[] = Array.from({ length: 79 }, (_, i) => i);
  st[3] = ref(0);
  st[77] = ref(1);
  st[78] = ref(2);
  st[40] = ref(3);
  const buffers = [new Uint8Array(disk), new Uint8Array(0), bitmap, new Uint8Array([7, 7, 7, 7, 7])];
  return serializeState({ info: { buffer_infos: [], state: st }, buffers, trailingPages: trailing });
}
