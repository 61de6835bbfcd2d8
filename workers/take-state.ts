/**
 * v86's state of a running machine, for a save. v86 writes the blocks the guest wrote to its
 * disk as one entry each (256 bytes) in its state's JSON: after about 1.5 GiB written (a disk
 * filled by `dd`, even once the file is deleted: nothing tells the emulator the blocks are
 * free) that JSON is longer than a JavaScript string can be, and v86 throws a RangeError. The
 * save then fails in words the trainee can act on; the previous saves are untouched.
 */
import type { V86 } from 'v86';
import { SaidError } from '../src/i18n';

export async function takeState(emulator: V86): Promise<Uint8Array> {
  try {
    return new Uint8Array(await emulator.save_state());
  } catch (error) {
    if (error instanceof RangeError) throw new SaidError('tooMuchWritten');
    throw error;
  }
}
