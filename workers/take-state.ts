/**
 * v86's state of a running machine, for a save. The state holds the disk pages the guest wrote
 * and still uses (src/vm/written-blocks.ts): past WRITTEN_IN_STATE of them (a large file of
 * data on the disk) the disk refuses to bring them all into memory with a RangeError, as v86
 * does when its state cannot be written. The save then fails in words the trainee can act on
 * (delete the large files, save again); the previous saves are untouched.
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
