/**
 * Every built-in lab in the real guest. A lab's checks must fail before its steps (no check is
 * always true), then, step by step, its solution makes each check pass, and at the end every
 * check still passes (none goes stale). The labs run as a trainee meets them: in the
 * catalogue's order, each after the previous ones, on the machine of the page: the default
 * machine for the Docker labs, the Kubernetes machine for the labs that name it (`machine:`);
 * the first lab of each on a fresh machine. A cluster lab (`nodes:`) grows the cluster as the
 * page does: node1 is the machine of the labs before it, the nodes it adds are fresh. A lab's
 * preparation step (`prepare`) cleans up what the labs before it left.
 * The French and English files of a lab must have the same steps (they share one checks and
 * one solution file).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PREPARE_STEP, type Lab, type LabStep } from '../../src/labs/lab';
import { builtInLabPath, loadLab, type CatalogueEntry } from '../../src/labs/load';
import { NodeCluster } from '../../src/cluster/node-cluster';
import type { NodeVM } from '../../src/vm/node-vm';

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
/**
 * The machines of the page a trainee does the labs on, each with its labs in the catalogue's
 * order (quiz-only labs run nothing): the default machine's, then the Kubernetes machine's.
 */
const chains = [undefined, 'kubernetes'].map((machine) => ({
  machine,
  labs: labs.filter(({ en }) => runsInGuest(en) && en.machine === machine),
}));

describe.each(chains.map((chain) => [chain.machine ?? 'default', chain] as const))("the labs of the %s machine in the catalogue's order", (_, chain) => {
  it(
    `runs ${chain.labs.map((l) => l.id).join(', ')} one after another, each from where the previous ones left the machine`,
    async () => {
      const cluster = await NodeCluster.single({ machine: chain.machine });
      const on = (node = 'node1') => cluster.node(node);
      try {
        let before = 'on a fresh machine';
        for (const { id, en } of chain.labs) {
          const started = Date.now();
          if (en.nodes) await cluster.grow(en.nodes);
          if (id === 'swarm-cluster') {
            // its node1 is this machine: the labs before it end with their clean-up (the swarm
            // left, volumes-networks' containers removed), so nothing is left in its way
            const left = await checkExit(on, en.steps.find(isPrepare)!);
            expect(left.exitCode, `swarm-cluster's preparation after the one-machine labs: ${left.output}`).toBe(0);
          }
          await runLab(on, en, before);
          console.log(`lab ${id} in order: ${((Date.now() - started) / 1000).toFixed(0)} s`);
          before = `after the labs up to ${id}`;
        }
      } finally {
        await cluster.stop();
      }
    },
    3 * LAB_TIMEOUT_MS,
  );
});
