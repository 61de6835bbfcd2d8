/**
 * A trainee's progress in a lab (which steps passed, quiz answers): the record ProgressStore
 * keeps in IndexedDB, a saved machine carries and a completion record signs.
 */

export interface StepResult {
  passed: boolean;
  /** ISO time of the last check or answer */
  at: string;
  /** for a quiz: whether the answer was right */
  correct?: boolean;
}

export interface LabProgress {
  labId: string;
  steps: Record<string, StepResult>;
}
