import { describe, expect, it } from 'vitest';
import { parseLab, type Lab } from '../../src/labs/lab';
import { CHECK_TIMEOUT_MS, isRightAnswer, LabRunner, type LabRunnerHost } from '../../src/ui/lab-runner';
import type { LabProgress, StepResult } from '../../src/labs/progress';
import type { SnapshotRecord } from '../../src/storage/snapshot-store';
import { stringsFor } from '../../src/i18n';

const LAB = `---
id: demo
title: Demo
lang: en
time: 5
---
Intro.

## First {#one}
\`\`\`check
test -f /one
\`\`\`

## A question {#q}
\`\`\`quiz
? Which?
- [ ] a
- [x] b
= Because.
\`\`\`

## Second {#two}
\`\`\`check
test -f /two
\`\`\`
`;

/** A fake guest whose checks answer from `answers`, a progress store in memory, and checkpoints taken. */
function runner(options: { exec?: LabRunnerHost['exec']; failStore?: boolean; lab?: Lab; checkpoints?: boolean } = {}) {
  const warnings: string[] = [];
  const taken: string[] = [];
  const saved = new Map<string, SnapshotRecord>();
  let progress: LabProgress = { labId: 'demo', steps: {} } as LabProgress;
  const store = {
    load: async () => progress,
    record: async (_: string, stepId: string, result: StepResult) => {
      if (options.failStore) throw new Error('quota exceeded');
      progress = { ...progress, steps: { ...progress.steps, [stepId]: result } };
      return progress;
    },
  };
  const checkpoints = {
    forLab: async () => saved,
    take: async (_: Lab, step: { id: string }) => {
      taken.push(step.id);
      const record = { id: `cp-${step.id}` } as SnapshotRecord;
      saved.set(step.id, record);
      return record;
    },
    rewind: async () => {},
  };
  const host: LabRunnerHost = {
    exec: options.exec ?? (async () => ({ exitCode: 0, stdout: '', stderr: '', durationMs: 1 })),
    warn: (message) => warnings.push(message),
  };
  const r = new LabRunner(host, store, options.checkpoints === false ? undefined : checkpoints);
  return { r, warnings, taken, lab: options.lab ?? parseLab(LAB) };
}

const w = stringsFor('en').lab;

describe('LabRunner', () => {
  it('passes a step whose check exits 0, keeps it, and names the next step to checkpoint', async () => {
    const { r, lab } = runner();
    await r.open(lab);
    const outcome = await r.check(lab.steps[0]);
    expect(outcome).toMatchObject({ passed: true, ran: true, problem: '' });
    expect(outcome.next?.id).toBe('two');
    expect(r.passed(lab.steps[0])).toBe(true);
    expect(r.score()).toEqual({ done: 1, total: 3 });
  });

  it("shows a failing check's output, or its exit code when it printed nothing", async () => {
    let answer = { exitCode: 1, stdout: 'no /one\n', stderr: '', durationMs: 1 };
    const { r, lab } = runner({ exec: async () => answer });
    await r.open(lab);
    const failed = await r.check(lab.steps[0]);
    expect(failed).toMatchObject({ passed: false, ran: true, problem: 'no /one' });
    expect(failed.next).toBeUndefined();
    answer = { exitCode: 3, stdout: '', stderr: '', durationMs: 1 };
    expect((await r.check(lab.steps[0])).problem).toBe(w.exitCode(3));
    expect(r.passed(lab.steps[0])).toBe(false);
  });

  it('says a check ran out of time, or that no machine answered, and counts it as not run', async () => {
    const timeout = Object.assign(new Error('late'), { name: 'AgentTimeoutError' });
    const { r, lab } = runner({ exec: async () => Promise.reject(timeout) });
    await r.open(lab);
    expect(await r.check(lab.steps[0])).toMatchObject({ passed: false, ran: false, problem: w.timeout(CHECK_TIMEOUT_MS / 1000) });
    const none = runner({ exec: async () => Promise.reject(new Error('')) });
    await none.r.open(none.lab);
    expect((await none.r.check(none.lab.steps[0])).problem).toBe(w.noMachine);
  });

  it('grades a quiz: answered counts as done, right or wrong', async () => {
    const { r, lab } = runner();
    await r.open(lab);
    const step = lab.steps[1];
    expect(isRightAnswer(step.quiz!, new Set([0]))).toBe(false);
    expect(isRightAnswer(step.quiz!, new Set([0, 1]))).toBe(false);
    expect(isRightAnswer(step.quiz!, new Set([1]))).toBe(true);
    await r.answer(step, false);
    expect(r.passed(step)).toBe(true);
  });

  it('says when progress cannot be stored, and keeps the result it had', async () => {
    const { r, lab, warnings } = runner({ failStore: true });
    await r.open(lab);
    await r.check(lab.steps[0]);
    expect(warnings).toEqual([expect.stringContaining('quota exceeded')]);
  });

  it('takes the checkpoint of the step being done once, and again when asked to replace it', async () => {
    const { r, lab, taken } = runner();
    await r.open(lab);
    expect(await r.checkpointFor(lab.steps[0], false)).toBeNull(); // no machine yet
    r.machineRunning = true;
    expect(r.currentStep()?.id).toBe('one');
    expect((await r.checkpointFor(r.currentStep()!, false))?.id).toBe('cp-one');
    expect(await r.checkpointFor(lab.steps[0], false)).toBeNull();
    await r.checkpointFor(lab.steps[0], true);
    expect(taken).toEqual(['one', 'one']);
  });

  it('has no step to checkpoint in a cluster lab or without checkpoints', async () => {
    const cluster = runner({ lab: parseLab(LAB.replace('time: 5', 'time: 5\nnodes: 2')) });
    await cluster.r.open(cluster.lab);
    expect(cluster.r.currentStep()).toBeUndefined();
    const preview = runner({ checkpoints: false });
    await preview.r.open(preview.lab);
    expect(preview.r.currentStep()).toBeUndefined();
  });

  it("asks the machine whether it is the lab's own, and says which image a lab was written for", async () => {
    const commands: string[] = [];
    let exitCode = 1;
    const k8s = parseLab(LAB.replace('time: 5', 'time: 5\nmachine: kubernetes\nimage: bookworm'));
    const { r } = runner({ lab: k8s, exec: async (command) => (commands.push(command), { exitCode, stdout: '', stderr: '', durationMs: 1 }) });
    await r.open(k8s);
    expect(await r.needsOtherMachine()).toBe(false); // no machine running: nothing to ask
    r.machineRunning = true;
    r.suite = 'trixie';
    expect(await r.needsOtherMachine()).toBe(true);
    exitCode = 0;
    expect(await r.needsOtherMachine()).toBe(false);
    expect(commands).toEqual(['labbox-kubernetes status >/dev/null 2>&1', 'labbox-kubernetes status >/dev/null 2>&1']);
    expect(r.otherImage()).toBe('bookworm');
  });
});
