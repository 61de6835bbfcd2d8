/**
 * One open lab's state and what a trainee does with it, apart from how it is shown: its checks
 * run in the guest, quiz answers graded, results kept as progress, the step being done, the
 * checkpoint at the start of each step, and whether the running machine is the one the lab
 * starts from. Free of the DOM: the lab pane (lab-panel.ts) shows it, the unit tests drive it
 * with fakes.
 */
import type { ExecResult } from '../vm/agent-client';
import type { Lab, LabStep, Quiz } from '../labs/lab';
import type { LabProgress, ProgressStore, StepResult } from '../labs/progress';
import type { SnapshotRecord } from '../storage/snapshot-store';
import type { Checkpoints } from './checkpoints';
import { errorText, stringsFor } from '../i18n';
import { t } from '../i18n/page';

/** A check that runs longer is stopped; the machine itself keeps working. */
export const CHECK_TIMEOUT_MS = 60_000;

/**
 * How the page tells that the running machine already is the one a lab starts from (`machine:`):
 * a command that exits 0 there. A machine without one is taken as never being it.
 */
const MACHINE_PROBES: Record<string, string> = {
  // every program of its one-node cluster running
  kubernetes: 'labbox-kubernetes status >/dev/null 2>&1',
};

export interface LabRunnerHost {
  /** runs a command in the guest (on a cluster node when `node` is given) */
  exec(command: string, timeoutMs: number, node?: string): Promise<ExecResult>;
  /** says something went wrong outside the lab's own text (progress not stored, say) */
  warn(message: string): void;
}

export interface CheckOutcome {
  passed: boolean;
  /** the check ran to its end (it did not time out, the machine answered) */
  ran: boolean;
  /** what the trainee should look at when it did not pass */
  problem: string;
  /** the step a passed check starts: its checkpoint is the machine now */
  next?: LabStep;
}

/** Whether the choices picked (their indexes) are exactly the right ones. */
export function isRightAnswer(quiz: Quiz, chosen: Set<number>): boolean {
  return quiz.choices.every((c, i) => c.correct === chosen.has(i));
}

export class LabRunner {
  lab: Lab | null = null;
  progress: LabProgress | null = null;
  machineRunning = false;
  /** the running guest's Debian suite, for a lab that names the image it was written for */
  suite = '';

  constructor(
    private readonly host: LabRunnerHost,
    private readonly store: Pick<ProgressStore, 'load' | 'record'>,
    /** none in the authoring preview */
    readonly checkpoints?: Pick<Checkpoints, 'forLab' | 'take' | 'rewind'>,
  ) {}

  async open(lab: Lab): Promise<void> {
    this.lab = lab;
    this.progress = await this.store.load(lab.id);
  }

  close(): void {
    this.lab = null;
  }

  passed(step: LabStep): boolean {
    return this.progress?.steps[step.id]?.passed === true;
  }

  /** Steps passed, and steps in all. */
  score(): { done: number; total: number } {
    const steps = this.lab?.steps ?? [];
    return { done: steps.filter((s) => this.passed(s)).length, total: steps.length };
  }

  /** The first step with a check not passed yet: the one the trainee is doing (none to checkpoint in a cluster lab). */
  currentStep(): LabStep | undefined {
    // a checkpoint holds one machine: a cluster lab's other nodes could not go back with it
    if (!this.checkpoints || this.lab?.nodes) return undefined;
    return this.lab?.steps.find((s) => s.check && !this.passed(s));
  }

  /** The image this lab was written for, when the running machine's is another (a warning, not a refusal). */
  otherImage(): string | null {
    const image = this.lab?.image;
    return image && this.suite && image !== this.suite ? image : null;
  }

  /** Whether the lab starts from another of the image's machines than the one running (its probe says so). */
  async needsOtherMachine(): Promise<boolean> {
    const machine = this.lab?.machine;
    if (!machine || !this.machineRunning) return false;
    const probe = MACHINE_PROBES[machine];
    const r = probe ? await this.host.exec(probe, 30_000).catch(() => null) : null;
    return r?.exitCode !== 0;
  }

  /** Runs a step's check in the guest and keeps its result; says why it did not pass. */
  async check(step: LabStep): Promise<CheckOutcome> {
    const lab = this.lab!;
    const w = stringsFor(lab.lang).lab;
    const outcome: CheckOutcome = { passed: false, ran: false, problem: '' };
    try {
      const r = await this.host.exec(step.check!, CHECK_TIMEOUT_MS, step.checkNode);
      outcome.ran = true;
      outcome.passed = r.exitCode === 0;
      if (!outcome.passed) outcome.problem = `${r.stdout}${r.stderr}`.trim() || w.exitCode(r.exitCode);
    } catch (error) {
      const name = (error as Error).name;
      outcome.problem = name === 'AgentTimeoutError' ? w.timeout(CHECK_TIMEOUT_MS / 1000) : (error as Error).message || w.noMachine;
    }
    await this.record(step, { passed: outcome.passed, at: new Date().toISOString() });
    if (outcome.passed && this.lab === lab) outcome.next = lab.steps.slice(lab.steps.indexOf(step) + 1).find((s) => s.check);
    return outcome;
  }

  /** Keeps a quiz's answer, right or wrong (see isRightAnswer): answered counts as done. */
  async answer(step: LabStep, correct: boolean): Promise<void> {
    await this.record(step, { passed: true, correct, at: new Date().toISOString() });
  }

  /** Takes the checkpoint at the start of `step` (unless it has one and `replace` is false); the new one, if taken. */
  async checkpointFor(step: LabStep, replace: boolean): Promise<SnapshotRecord | null> {
    const lab = this.lab;
    if (!lab || !this.checkpoints || !this.machineRunning) return null;
    if (!replace && (await this.checkpoints.forLab(lab.id)).has(step.id)) return null;
    const record = await this.checkpoints.take(lab, step);
    return this.lab === lab ? record : null;
  }

  private async record(step: LabStep, result: StepResult): Promise<void> {
    const lab = this.lab;
    if (!lab) return;
    this.progress = await this.store.record(lab.id, step.id, result).catch((error) => {
      this.host.warn(t.lab.notStored(errorText(error, t)));
      return this.progress;
    });
  }
}
