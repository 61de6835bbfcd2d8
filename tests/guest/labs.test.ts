/**
 * Every built-in lab in the real guest. A lab's checks must fail before its steps (no check is
 * always true), then, step by step, its solution makes each check pass, and at the end every
 * check still passes (none goes stale). The one-machine labs run as a trainee meets them: in
 * the catalogue's order, on one machine, each after the previous ones, the first on a fresh
 * machine; the cluster labs and the labs on another machine (`machine:`) each on fresh machines.
 * A lab's preparation step (`prepare`) is a precondition: its check passes on a fresh machine.
 * The French and English files of a lab must have the same steps (they share one checks and
 * one solution file).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assert, describe, expect, it } from 'vitest';
import { PREPARE_STEP, type Lab, type LabStep } from '../../src/labs/lab';
import { builtInLabPath, loadLab, type CatalogueEntry } from '../../src/labs/load';
import { NodeCluster } from '../../src/cluster/node-cluster';
import { NodeVM } from '../../src/vm/node-vm';

const labsDir = path.resolve(import.meta.dirname, '../../public/labs');
const catalogue: CatalogueEntry[] = JSON.parse(readFileSync(path.join(labsDir, 'index.json'), 'utf8'));
const readText = async (url: string) => readFileSync(new URL(url), 'utf8');
const labUrl = (id: string, lang: 'fr' | 'en') => pathToFileURL(path.join(labsDir, builtInLabPath(id, lang))).href;
const CHECK_TIMEOUT_MS = 120_000;
/** a whole lab, solution included: Swarm's rolling update and rollback take minutes in v86 */
const LAB_TIMEOUT_MS = 1_800_000;
/** one step's solution: the Kubernetes lab's rollouts take minutes on a loaded host */
const SOLUTION_TIMEOUT_MS = 600_000;

const labs = await Promise.all(
  catalogue.map(async ({ id }) => ({ id, fr: await loadLab(labUrl(id, 'fr'), readText), en: await loadLab(labUrl(id, 'en'), readText) })),
);

describe.each(labs.map((lab) => [lab.id, lab] as const))('lab %s', (_, { fr, en }) => {
  it('has the same steps, checks and solution in French and English', () => {
    const shape = (lab: Lab) => [
      lab.nodes,
      lab.machine,
      lab.steps.map((s) => [s.id, !!s.check, s.checkNode, s.solution?.map((p) => p.node), s.quiz?.choices.map((c) => c.correct)]),
    ];
    expect(shape(fr)).toEqual(shape(en));
    for (const step of en.steps) expect(!!step.check || !!step.quiz, `step ${step.id} has a check or a quiz`).toBe(true);
  });
});

type Machine = { exec: NodeVM['exec'] };
const isPrepare = (step: LabStep) => step.id === PREPARE_STEP;
const labSteps = (lab: Lab) => lab.steps.filter((s) => s.check && !isPrepare(s));

async function runSolution(on: (node?: string) => Machine, step: LabStep): Promise<void> {
  expect(step.solution, `step "${step.id}" has a solution`).toBeTruthy();
  for (const part of step.solution!) await on(part.node).exec(part.script, { timeoutMs: SOLUTION_TIMEOUT_MS });
}

async function checkExit(on: (node?: string) => Machine, step: LabStep): Promise<{ exitCode: number; output: string }> {
  const r = await on(step.checkNode).exec(step.check!, { timeoutMs: CHECK_TIMEOUT_MS });
  return { exitCode: r.exitCode, output: `${r.stdout}${r.stderr}` };
}

/**
 * A lab from where the machine is: its preparation (the clean-up, then its check passes), its
 * checks failing before its steps, each step's solution then its check, and every check again
 * at the end. `before` says what the machine is, for the messages.
 */
async function runLab(on: (node?: string) => Machine, lab: Lab, before: string): Promise<void> {
  for (const step of lab.steps.filter((s) => s.check && isPrepare(s))) {
    await runSolution(on, step);
    const r = await checkExit(on, step);
    expect(r.exitCode, `${lab.id}: preparation "${step.id}" after its clean-up, ${before}: ${r.output}`).toBe(0);
  }
  for (const step of labSteps(lab)) {
    expect((await checkExit(on, step)).exitCode, `${lab.id}: check of step "${step.id}" before the lab's steps, ${before}`).not.toBe(0);
  }
  for (const step of labSteps(lab)) {
    await runSolution(on, step);
    const r = await checkExit(on, step);
    expect(r.exitCode, `${lab.id}: check of step "${step.id}" after its solution: ${r.output}`).toBe(0);
  }
  for (const step of labSteps(lab)) {
    const r = await checkExit(on, step);
    expect(r.exitCode, `${lab.id}: check of step "${step.id}" after the lab's last step: ${r.output}`).toBe(0);
  }
}

const runsInGuest = (lab: Lab) => lab.steps.some((s) => s.check);
/** the labs a trainee does one after another on the machine of the page (quiz-only labs run nothing) */
const oneMachineLabs = labs.filter(({ en }) => runsInGuest(en) && !en.nodes && !en.machine);

describe("the one-machine labs in the catalogue's order", () => {
  it(
    `runs ${oneMachineLabs.map((l) => l.id).join(', ')} one after another on one machine, then the next cluster lab's preparation cleans up what they left`,
    async () => {
      const vm = await NodeVM.start();
      const on = (node = 'node1') => (node === 'node1' ? vm : assert.fail(`a one-machine lab runs a script on ${node}`));
      try {
        let before = 'on a fresh machine';
        for (const { id, en } of oneMachineLabs) {
          const started = Date.now();
          await runLab(on, en, before);
          console.log(`lab ${id} in order: ${((Date.now() - started) / 1000).toFixed(0)} s`);
          before = `after the labs up to ${id}`;
        }
        // the Swarm cluster lab's node1 is this machine: the swarm lab left its swarm in its last
        // step, the volumes-networks lab's web container still holds port 8080; the preparation
        // says so, then cleans it up
        const prepare = labs.find((l) => l.id === 'swarm-cluster')!.en.steps.find(isPrepare)!;
        const left = await checkExit(on, prepare);
        expect(left.exitCode, "swarm-cluster's preparation after the one-machine labs").not.toBe(0);
        expect(left.output).toContain('docker rm -f web');
        expect(left.output).not.toContain('swarm');
        await runSolution(on, prepare);
        const r = await checkExit(on, prepare);
        expect(r.exitCode, `swarm-cluster's preparation after its clean-up: ${r.output}`).toBe(0);
      } finally {
        await vm.stop();
      }
    },
    2 * LAB_TIMEOUT_MS,
  );
});

describe.each(labs.filter(({ en }) => runsInGuest(en) && (en.nodes || en.machine)).map((lab) => [lab.id, lab.en] as const))('lab %s in the guest', (_, lab) => {
  it(
    'passes its preparation on fresh machines, fails every check there, passes each after its solution, and all of them at the end',
    async () => {
      // a cluster lab gets its nodes on one switch; a lab on another machine that machine, as "node1"
      const cluster = lab.nodes ? await NodeCluster.start(lab.nodes, {}, lab.machine) : null;
      const single = cluster ? null : await NodeVM.start({ machine: lab.machine });
      const on = (node = 'node1') => (cluster ? cluster.node(node) : node === 'node1' ? single! : assert.fail(`a one-machine lab runs a script on ${node}`));
      try {
        for (const step of lab.steps.filter((s) => s.check && isPrepare(s))) {
          const r = await checkExit(on, step);
          expect(r.exitCode, `preparation "${step.id}" on a fresh machine: ${r.output}`).toBe(0);
        }
        await runLab(on, lab, 'on fresh machines');
      } finally {
        await (cluster ?? single)?.stop();
      }
    },
    LAB_TIMEOUT_MS,
  );
});
