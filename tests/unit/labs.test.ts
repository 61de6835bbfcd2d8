import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachScripts, parseLab } from '../../src/labs/lab';
import { loadLab } from '../../src/labs/load';
import { MAX_PACKED_CHARS, packLab, unpackLab } from '../../src/labs/share';

const sample = `---
id: demo
title: "Demo: a lab"
lang: en
time: 5
checks: checks.sh
image: trixie
---
Intro **text**.

## First step {#first}
Do this:
\`\`\`sh
echo hi > /tmp/x
\`\`\`
\`\`\`hint
Look at /tmp.
\`\`\`

## Inline check
\`\`\`check
test -f /tmp/y
\`\`\`

## Quiz {#q}
\`\`\`quiz
? Which one?
- [x] this
- [ ] that
= Because.
\`\`\`
`;

describe('lab format', () => {
  it('reads front matter, steps, hints, checks and quizzes', () => {
    const lab = parseLab(sample);
    expect(lab).toMatchObject({ id: 'demo', title: 'Demo: a lab', lang: 'en', minutes: 5, image: 'trixie', intro: 'Intro **text**.', checksFile: 'checks.sh' });
    expect(lab.steps.map((s) => s.id)).toEqual(['first', 'step-2', 'q']);
    expect(lab.steps[0].body).toContain('echo hi > /tmp/x');
    expect(lab.steps[0].body).not.toContain('Look at');
    expect(lab.steps[0].hints).toEqual(['Look at /tmp.']);
    expect(lab.steps[1].check).toBe('test -f /tmp/y');
    expect(lab.steps[2].quiz).toEqual({
      question: 'Which one?',
      choices: [
        { text: 'this', correct: true },
        { text: 'that', correct: false },
      ],
      explanation: 'Because.',
    });
  });

  it('gives each step its section of a shared checks file', () => {
    const lab = parseLab(sample);
    attachScripts(lab, '#@ first\ntest -f /tmp/x\n#@ q\ntrue\n', 'check');
    expect(lab.steps[0].check).toBe('test -f /tmp/x');
    expect(() => attachScripts(lab, 'x\n#@ nope\n', 'check')).toThrow(/line 2: the check file names a step "nope"/);
  });

  it('says which line is wrong', () => {
    expect(() => parseLab('# not a lab')).toThrow(/line 1: a lab starts with front matter/);
    expect(() => parseLab('---\nid: x\ntitle: t\nlang: de\n---\n## s\n')).toThrow(/line 4: "lang:" must be fr or en/);
    expect(() => parseLab('---\nid: x\ntitle: t\nlang: en\n---\n## s\n```check\ntrue\n')).toThrow(/line 7: .* never closed/);
    expect(() => parseLab('---\nid: x\ntitle: t\nlang: en\n---\n## s\n```quiz\n? q\n- [ ] a\n- [ ] b\n```\n')).toThrow(
      /line 8: a quiz needs at least one right answer/,
    );
    expect(() => parseLab('---\nid: x\ntitle: t\nlang: en\n---\nno steps\n')).toThrow(/at least one step/);
    expect(() => parseLab('---\nid: x\ntitle: t\nlang: en\n---\n## s\n```inspect\nkernel\n```\n')).toThrow(/line 8: an `inspect` block names a view/);
  });

  it('reads a cluster lab: its node count, checks and solution sections per node, blocks for a node', () => {
    const lab = parseLab('---\nid: x\ntitle: t\nlang: en\nnodes: 2\n---\n## Join {#join}\n```sh node2\ndocker swarm join\n```\n## Other {#other}\n');
    expect(lab.nodes).toBe(2);
    expect(lab.steps[0].body).toContain('```sh node2');
    attachScripts(lab, '#@ join\ndocker swarm init\n#@ join node2\ndocker swarm join\n#@ other node2\ntrue\n', 'solution');
    expect(lab.steps[0].solution).toEqual([
      { node: 'node1', script: 'docker swarm init' },
      { node: 'node2', script: 'docker swarm join' },
    ]);
    attachScripts(lab, '#@ join node1\ndocker node ls\n', 'check');
    expect(lab.steps[0]).toMatchObject({ check: 'docker node ls', checkNode: 'node1' });
    expect(() => attachScripts(lab, '#@ join\na\n#@ join node2\nb\n', 'check')).toThrow(/line 3: the checks file has two sections for the step "join"/);
    expect(() => parseLab('---\nid: x\ntitle: t\nlang: en\nnodes: 9\n---\n## s\n')).toThrow(/line 5: "nodes" is .* 2, 3 or 4/);
  });

  it("reads the image's machine a lab starts from, and refuses a name that cannot be one", () => {
    expect(parseLab('---\nid: x\ntitle: t\nlang: en\nmachine: kubernetes\n---\n## s\n').machine).toBe('kubernetes');
    expect(parseLab('---\nid: x\ntitle: t\nlang: en\n---\n## s\n').machine).toBeUndefined();
    expect(() => parseLab('---\nid: x\ntitle: t\nlang: en\nmachine: Kube Netes\n---\n## s\n')).toThrow(/line 5: "machine" names one of the image's machines/);
  });

  it('reads the inspector view a step opens', () => {
    expect(parseLab('---\nid: x\ntitle: t\nlang: en\n---\n## s\n```inspect\ncgroups\n```\n').steps[0]).toMatchObject({ inspect: 'cgroups', body: '' });
  });

  it('loads a built-in lab with its shared files', async () => {
    const dir = path.resolve(import.meta.dirname, '../../public/labs');
    const read = async (url: string) => readFileSync(new URL(url), 'utf8');
    const lab = await loadLab(`file://${dir}/namespaces/fr.md`, read);
    expect(lab.lang).toBe('fr');
    expect(lab.steps.find((s) => s.id === 'uts')?.check).toMatch(/lab-uts/);
    expect(lab.steps.find((s) => s.id === 'uts')?.solution).toEqual([{ node: 'node1', script: expect.stringMatching(/unshare --uts/) }]);
    await expect(loadLab(`file://${dir}/nope/en.md`, read)).rejects.toThrow();
  });
});

describe('lab links', () => {
  it('packs a lab into a URL fragment and back', async () => {
    const packed = await packLab(sample);
    expect(packed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(packed.length).toBeLessThan(sample.length);
    expect(await unpackLab(packed)).toBe(sample);
  });

  it('refuses a damaged link and a lab too long for one', async () => {
    await expect(unpackLab('not*base64')).rejects.toThrow(/damaged/);
    await expect(unpackLab((await packLab(sample)).slice(0, 20))).rejects.toThrow(/damaged/);
    let x = 1;
    const noise = Array.from({ length: 60_000 }, () => String.fromCharCode(33 + ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 25))).join('');
    await expect(packLab(noise)).rejects.toThrow(new RegExp(`at most ${MAX_PACKED_CHARS}`));
  });
});

describe('completion records', async () => {
  const { makeCompletionRecord, verifyCompletionRecord } = await import('../../src/labs/completion');
  it('records each step and catches an edit', async () => {
    const lab = parseLab(sample);
    const progress = {
      labId: 'demo',
      steps: { first: { passed: true, at: '2026-11-28T10:00:00.000Z' }, q: { passed: true, correct: false, at: '2026-11-28T10:05:00.000Z' } },
    };
    const record = await makeCompletionRecord(lab, progress, 'Ada', new Date('2026-11-28T11:00:00Z'));
    expect(record.score).toEqual({ passed: 2, steps: 3, quizRight: 0, quizzes: 1 });
    expect(record.steps[1]).toMatchObject({ id: 'step-2', passed: false });
    expect(await verifyCompletionRecord(record)).toBe(true);
    const edited = JSON.parse(JSON.stringify(record));
    edited.steps[1].passed = true;
    expect(await verifyCompletionRecord(edited)).toBe(false);
  });
});
