/**
 * Lab checkpoints: the machine saved at the start of a lab step, so a trainee can start the
 * step again or rewind to an earlier one. They live in the snapshot store (kind
 * "checkpoint"), one per step, for one lab at a time: each is a whole machine (~20 MB).
 */
import type { Lab, LabStep } from '../labs/lab';
import type { CheckpointInfo, SnapshotRecord, SnapshotStore } from '../storage/snapshot-store';

export interface CheckpointHost {
  /** saves the running machine; null when it was not saved (the reason is already shown) */
  save(name: string, checkpoint: CheckpointInfo, replaces?: string): Promise<SnapshotRecord | null>;
  /** saves the current work as the autosave, then restores this snapshot */
  rewindTo(record: SnapshotRecord): Promise<void>;
}

export class Checkpoints {
  private readonly taking = new Set<string>();

  constructor(
    private readonly store: SnapshotStore,
    private readonly host: CheckpointHost,
  ) {}

  /** The steps of a lab that can be started again, by step id. */
  async forLab(labId: string): Promise<Map<string, SnapshotRecord>> {
    const list = await this.store.list().catch(() => []);
    return new Map(list.filter((s) => s.kind === 'checkpoint' && s.checkpoint?.labId === labId).map((s) => [s.checkpoint!.stepId, s]));
  }

  /** Saves the machine as the start of `step`, replacing that step's older checkpoint. */
  async take(lab: Lab, step: LabStep): Promise<SnapshotRecord | null> {
    const key = `${lab.id}/${step.id}`;
    if (this.taking.has(key)) return null;
    this.taking.add(key);
    try {
      const all = await this.store.list();
      // another lab's checkpoints go: a trainee rewinds within the lab they are doing
      for (const old of all.filter((s) => s.kind === 'checkpoint' && s.checkpoint?.labId !== lab.id)) await this.store.remove(old.id);
      const replaces = all.find((s) => s.kind === 'checkpoint' && s.checkpoint?.labId === lab.id && s.checkpoint.stepId === step.id)?.id;
      return await this.host.save(`${lab.title} — ${step.title}`, { labId: lab.id, stepId: step.id }, replaces);
    } finally {
      this.taking.delete(key);
    }
  }

  rewind(record: SnapshotRecord): Promise<void> {
    return this.host.rewindTo(record);
  }
}
