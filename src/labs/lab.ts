/**
 * The lab format: one Markdown file per lab and language.
 *
 *   ---                          front matter: id, title, lang (fr|en), time (minutes),
 *   id: namespaces               checks / solution (shell files shared by every language,
 *   title: Namespaces by hand    relative to the lab's URL)
 *   lang: en
 *   time: 20
 *   checks: checks.sh
 *   solution: solution.sh
 *   image: trixie                optional: the guest image (its Debian suite) the lab was
 *                                written for; another one gets a warning, not a refusal
 *   nodes: 2                     optional: a cluster lab's machines (2-4) on one network
 *   machine: kubernetes          optional: the image's machine the lab starts from (its own
 *                                snapshot, GuestManifest.machines), e.g. Kubernetes running
 *   ---
 *   Introduction…
 *   ## A step {#step-id}         each `##` heading is a step; its id ties it to the shared
 *   Instructions, ```sh blocks   checks and solution
 *   ```hint  …  ```              optional hints, shown on request
 *   ```check …  ```              a check inline (a lab shared as one file)
 *   ```quiz                      a multiple-choice question: `?` question, `- [x]` right,
 *   ? …  - [x] …  - [ ] …  = …   `- [ ]` wrong, `=` the explanation shown after answering
 *   ```
 *   ```inspect cgroups```        a button opening the inspector on a view (namespaces,
 *                                cgroups or network)
 *   ```sh node2 …```             a block that runs in a node's terminal (cluster labs)
 *   ## Clean up… {#prepare}      optional first step: the lab's preconditions (what an earlier
 *                                lab may have left), a clean-up the trainee runs, a check that
 *                                passes on a fresh machine
 * Shared script files hold one section per step, each opened by a `#@ step-id` line
 * (`#@ step-id node2`: run on that node).
 * Nothing here touches the DOM: the Node lab runner parses labs too.
 */

import { SaidError, type Language, type Said } from '../i18n';

export type LabLanguage = Language;

export interface QuizChoice {
  text: string;
  correct: boolean;
}

export interface Quiz {
  question: string;
  choices: QuizChoice[];
  explanation: string;
}

export interface LabStep {
  id: string;
  title: string;
  /** the step's Markdown, without its check, hint and quiz blocks */
  body: string;
  hints: string[];
  /** a shell script run in the guest: exit 0 means the step is done */
  check?: string;
  /** the cluster node the check runs on (node1 when absent) */
  checkNode?: string;
  /** what the trainee would type, in order, on each machine: used by the CI run */
  solution?: NodeScript[];
  quiz?: Quiz;
  /** an inspector view this step shows (namespaces, cgroups, network) */
  inspect?: string;
}

export interface Lab {
  id: string;
  title: string;
  lang: LabLanguage;
  minutes?: number;
  /** the guest image (Debian suite) the lab was written for, if it says */
  image?: string;
  /** machines on one network the lab needs (2 to 4), when more than one */
  nodes?: number;
  /** the image's machine the lab starts from (GuestManifest.machines), when not the default one */
  machine?: string;
  intro: string;
  steps: LabStep[];
  /** shared script files, relative to the lab's URL */
  checksFile?: string;
  solutionFile?: string;
}

/** A script and the machine it runs on: node1 (the main machine) unless a cluster lab says. */
/**
 * The id of a lab's preparation step: its check states the lab's preconditions (a fresh machine
 * meets them; one that ran earlier labs may not) and its shell block is the clean-up.
 */
export const PREPARE_STEP = 'prepare';

export interface NodeScript {
  node: string;
  script: string;
}

/** A lab file that cannot be read, with the line where it went wrong. */
export class LabFormatError extends SaidError {
  override name = 'LabFormatError';
  readonly line?: number;
  constructor(said: Said, line?: number) {
    super(...(line ? (['atLine', line, new SaidError(...said)] as const) : said));
    this.line = line;
  }
}

const SPECIAL_FENCES = new Set(['check', 'hint', 'quiz', 'solution', 'inspect']);
const INSPECT_VIEWS = ['namespaces', 'cgroups', 'network'];

export function parseLab(text: string): Lab {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const front = parseFrontMatter(lines);
  const lab: Lab = {
    id: requireField(front, 'id'),
    title: requireField(front, 'title'),
    lang: front.values.lang === 'fr' ? 'fr' : front.values.lang === 'en' ? 'en' : badLanguage(front),
    minutes: front.values.time ? Number.parseInt(front.values.time, 10) || undefined : undefined,
    image: front.values.image || undefined,
    nodes: front.values.nodes ? clusterSize(front.values.nodes, front.lineOf.nodes) : undefined,
    machine: front.values.machine ? machineName(front.values.machine, front.lineOf.machine) : undefined,
    intro: '',
    steps: [],
    checksFile: front.values.checks,
    solutionFile: front.values.solution,
  };
  if (!/^[a-z0-9][a-z0-9-]*$/.test(lab.id)) throw new LabFormatError(['badId', lab.id], front.lineOf.id);

  let body: string[] = [];
  let step: LabStep | null = null;
  const finish = () => {
    const markdown = body.join('\n').trim();
    if (step) step.body = markdown;
    else lab.intro = markdown;
    body = [];
  };
  for (let i = front.end; i < lines.length; i++) {
    const line = lines[i];
    const heading = /^##\s+(.+?)\s*(?:\{#([a-z0-9][a-z0-9-]*)\})?\s*$/.exec(line);
    if (heading && !/^###/.test(line)) {
      finish();
      const id = heading[2] ?? `step-${lab.steps.length + 1}`;
      if (lab.steps.some((s) => s.id === id)) throw new LabFormatError(['twoSteps', id], i + 1);
      step = { id, title: heading[1], body: '', hints: [] };
      lab.steps.push(step);
      continue;
    }
    const fence = /^(```+|~~~+)\s*([\w-]*)(?:\s+(node[1-9]))?\s*$/.exec(line);
    if (fence) {
      const end = lines.findIndex((l, j) => j > i && l.startsWith(fence[1]) && l.trim() === fence[1]);
      if (end < 0) throw new LabFormatError(['fenceOpen', `${fence[1]}${fence[2]}`], i + 1);
      const kind = fence[2];
      if (SPECIAL_FENCES.has(kind)) {
        if (!step) throw new LabFormatError(['outsideStep', kind], i + 1);
        const content = lines.slice(i + 1, end).join('\n');
        if (kind === 'hint') step.hints.push(content.trim());
        else if (kind === 'check') setCheck(step, content, fence[3]);
        else if (kind === 'solution') addSolution(step, content, fence[3]);
        else if (kind === 'inspect') {
          if (!INSPECT_VIEWS.includes(content.trim())) throw new LabFormatError(['inspectView', INSPECT_VIEWS.join(', ')], i + 2);
          step.inspect = content.trim();
        } else step.quiz = parseQuiz(content, i + 2);
      } else body.push(...lines.slice(i, end + 1));
      i = end;
      continue;
    }
    body.push(line);
  }
  finish();
  if (lab.steps.length === 0) throw new LabFormatError(['noSteps']);
  return lab;
}

function setCheck(step: LabStep, script: string, node?: string): void {
  step.check = script.trim();
  step.checkNode = node;
}

function addSolution(step: LabStep, script: string, node = 'node1'): void {
  (step.solution ??= []).push({ node, script: script.trim() });
}

function machineName(value: string, line?: number): string {
  if (!/^[a-z0-9-]+$/.test(value)) throw new LabFormatError(['machine', value], line);
  return value;
}

function clusterSize(value: string, line?: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2 || n > 4) throw new LabFormatError(['nodes', value], line);
  return n;
}

/**
 * Gives each step its sections of a shared checks or solution file: `#@ step-id` lines, or
 * `#@ step-id node2` for a cluster node (a step's solution may have one section per node, run in order).
 */
export function attachScripts(lab: Lab, text: string, what: 'check' | 'solution'): void {
  const sections: { step: LabStep; node?: string; lines: string[] }[] = [];
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((line, i) => {
      const marker = /^#@\s*([a-z0-9][a-z0-9-]*)(?:\s+(node[1-9]))?\s*$/.exec(line);
      if (marker) {
        const step = lab.steps.find((s) => s.id === marker[1]);
        if (!step) throw new LabFormatError(['unknownStep', what, marker[1]], i + 1);
        if (what === 'check' && sections.some((s) => s.step === step)) throw new LabFormatError(['twoSections', step.id], i + 1);
        sections.push({ step, node: marker[2], lines: [] });
      } else sections.at(-1)?.lines.push(line);
    });
  for (const { step, node, lines } of sections) {
    if (what === 'check') setCheck(step, lines.join('\n'), node);
    else addSolution(step, lines.join('\n'), node);
  }
}

function parseQuiz(content: string, firstLine: number): Quiz {
  const quiz: Quiz = { question: '', choices: [], explanation: '' };
  content.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (!line) return;
    if ((m = /^\?\s*(.+)$/.exec(line))) quiz.question += (quiz.question ? ' ' : '') + m[1];
    else if ((m = /^[-*]\s*\[([ xX])\]\s*(.+)$/.exec(line))) quiz.choices.push({ text: m[2], correct: m[1] !== ' ' });
    else if ((m = /^=\s*(.+)$/.exec(line))) quiz.explanation += (quiz.explanation ? ' ' : '') + m[1];
    else throw new LabFormatError(['quizLine'], firstLine + i);
  });
  if (!quiz.question) throw new LabFormatError(['quizQuestion'], firstLine);
  if (quiz.choices.length < 2) throw new LabFormatError(['quizChoices'], firstLine);
  if (!quiz.choices.some((c) => c.correct)) throw new LabFormatError(['quizAnswer'], firstLine);
  return quiz;
}

interface FrontMatter {
  values: Record<string, string>;
  lineOf: Record<string, number>;
  /** index of the first line after the front matter */
  end: number;
}

function parseFrontMatter(lines: string[]): FrontMatter {
  if (lines[0]?.trim() !== '---') throw new LabFormatError(['frontMatter'], 1);
  const values: Record<string, string> = {};
  const lineOf: Record<string, number> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '---') return { values, lineOf, end: i + 1 };
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const m = /^([a-z]+):\s*(.*?)\s*$/.exec(line);
    if (!m) throw new LabFormatError(['frontLine'], i + 1);
    values[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2');
    lineOf[m[1]] = i + 1;
  }
  throw new LabFormatError(['frontOpen'], 1);
}

function requireField(front: FrontMatter, key: string): string {
  const value = front.values[key];
  if (!value) throw new LabFormatError(['frontField', key], 1);
  return value;
}

function badLanguage(front: FrontMatter): never {
  throw new LabFormatError(['badLang', front.values.lang ?? ''], front.lineOf.lang ?? 1);
}
