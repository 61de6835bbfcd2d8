/** A trainee's progress in a lab (which steps passed, quiz answers), kept in IndexedDB. */
import { clear, createStore, get, set, setMany, values, type UseStore } from 'idb-keyval';
import type { LabProgress, StepResult } from './lab-progress';

export type { LabProgress, StepResult };

export class ProgressStore {
  constructor(private readonly db: UseStore = createStore('labbox-progress', 'labs')) {}

  async load(labId: string): Promise<LabProgress> {
    return (await get<LabProgress>(labId, this.db).catch(() => undefined)) ?? { labId, steps: {} };
  }

  async record(labId: string, stepId: string, result: StepResult): Promise<LabProgress> {
    const progress = await this.load(labId);
    progress.steps[stepId] = result;
    await set(labId, progress, this.db);
    return progress;
  }

  /** Every lab's progress: saved with the machine. */
  all(): Promise<LabProgress[]> {
    return values<LabProgress>(this.db);
  }

  /** Puts back the progress saved with a machine that was just restored. */
  async replaceAll(labs: LabProgress[]): Promise<void> {
    await clear(this.db);
    await setMany(
      labs.map((p) => [p.labId, p]),
      this.db,
    );
  }
}
