/**
 * Which machine the page opens with: the newest saved machine this site's image can restore,
 * or a fresh one. Decided by the first script (entry.ts), so that the emulator worker starts
 * restoring it while the rest of the page still loads.
 */
import { SnapshotStore, type SnapshotRecord } from '../storage/snapshot-store';
import { OneTab } from './one-tab';

/** The page's one claim on the machine (see one-tab.ts): entry.ts takes it before restoring. */
export const oneTab = new OneTab();

/**
 * `?separate`: a fresh machine of this tab's own, beside the one another tab runs; it is saved
 * only when the trainee says so, under its own name, never over the other tab's saves.
 */
export const isSeparateMachine = new URLSearchParams(location.search).has('separate');

/** Where the guest image is served; `?image=` lets an instructor point at another build. */
const imageOverride = new URLSearchParams(location.search).get('image');
export const imageUrl = imageOverride ?? `${import.meta.env.BASE_URL}${__GUEST_PATH__}`;

export interface MachineChoice {
  /** the saved machine to restore; none: a fresh machine */
  snapshotId?: string;
  /** the newest saved machine, when another version of the image made it (it cannot run here) */
  otherVersion?: SnapshotRecord;
  /** why the saved machines could not be read (a fresh machine starts) */
  listError?: string;
}

/** `store`: the page's; none: one opened here (a browser without IndexedDB throws on opening). */
export async function chooseMachine(store?: SnapshotStore): Promise<MachineChoice> {
  if (isSeparateMachine) return {};
  let saved: SnapshotRecord[];
  try {
    saved = await (store ?? new SnapshotStore()).list();
  } catch (error) {
    return { listError: (error as Error).message };
  }
  // with ?image= the image's version is only known once it is loaded: try the newest
  const latest = imageOverride ? saved[0] : saved.find((s) => s.imageVersion === __GUEST_VERSION__);
  return { snapshotId: latest?.id, otherVersion: !imageOverride && saved[0] && saved[0] !== latest ? saved[0] : undefined };
}

let early: Promise<MachineChoice> | undefined;

/** The first script's choice, taken once by the page shell; later starts choose again. */
export function chooseMachineEarly(): Promise<MachineChoice> {
  return (early ??= chooseMachine());
}

export function takeEarlyChoice(): Promise<MachineChoice> | undefined {
  const choice = early;
  early = undefined;
  return choice;
}
