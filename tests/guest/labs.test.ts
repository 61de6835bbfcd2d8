/**
 * Every built-in lab in the real guest: on a fresh machine each check must fail (no check is
 * always true); then, step by step, the solution makes its check pass. The French and English
 * files of a lab must have the same steps (they share one checks and one solution file).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assert, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/labs/lab';
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
    const shape = (lab: Lab) => [lab.nodes, lab.machine, lab.steps.map((s) => [s.id, !!s.check, s.checkNode, s.solution?.map((p) => p.node), s.quiz?.choices.map((c) => c.correct)])];
    expect(shape(fr)).toEqual(shape(en));
    for (const step of en.steps) expect(!!step.check || !!step.quiz, `step ${step.id} has a check or a quiz`).toBe(true);
  });
});

// quiz-only labs (the QCMs) run nothing in the guest
describe.each(labs.filter((lab) => lab.en.steps.some((s) => s.check)).map((lab) => [lab.id, lab.en] as const))('lab %s in the guest', (_, lab) => {
  it('fails every check on a fresh machine, then passes each after its solution', async () => {
    // a cluster lab gets its nodes on one switch; any other lab one machine, as "node1"
    const cluster = lab.nodes ? await NodeCluster.start(lab.nodes) : null;
    const single = cluster ? null : await NodeVM.start({ machine: lab.machine });
    const on = (node = 'node1') => (cluster ? cluster.node(node) : node === 'node1' ? single! : assert.fail(`a one-machine lab runs a script on ${node}`));
    try {
      const checked = lab.steps.filter((s) => s.check);
      for (const step of checked) {
        const r = await on(step.checkNode).exec(step.check!, { timeoutMs: CHECK_TIMEOUT_MS });
        expect(r.exitCode, `check of step "${step.id}" on a fresh machine`).not.toBe(0);
      }
      for (const step of checked) {
        expect(step.solution, `step "${step.id}" has a solution`).toBeTruthy();
        for (const part of step.solution!) await on(part.node).exec(part.script, { timeoutMs: SOLUTION_TIMEOUT_MS });
        const r = await on(step.checkNode).exec(step.check!, { timeoutMs: CHECK_TIMEOUT_MS });
        expect(r.exitCode, `check of step "${step.id}" after its solution: ${r.stdout}${r.stderr}`).toBe(0);
      }
    } finally {
      await (cluster ?? single)?.stop();
    }
  }, LAB_TIMEOUT_MS);
});
