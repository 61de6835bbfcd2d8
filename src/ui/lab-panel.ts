/**
 * The lab beside the terminals: the catalogue, or one lab's steps with "run in terminal"
 * buttons, hints, checks, quizzes, checkpoints to start a step again, and the record a
 * trainee hands in. What those do (checks run in the guest, progress kept, checkpoints taken)
 * is the lab runner's (lab-runner.ts); this is how it is shown.
 */
import { PREPARE_STEP, type Lab, type LabLanguage, type LabStep, type Quiz } from '../labs/lab';
import type { CatalogueEntry } from '../labs/load';
import type { ProgressStore } from '../labs/progress';
import { renderMarkdown, RUNNABLE_LANGUAGES } from '../labs/render';
import { makeCompletionRecord } from '../labs/completion';
import type { Checkpoints } from './checkpoints';
import { stringsFor } from '../i18n';
import { isRightAnswer, LabRunner, type LabRunnerHost } from './lab-runner';

export interface LabHost extends LabRunnerHost {
  /** types text into the active terminal, or into a terminal on `node` */
  type(text: string, node?: string): void;
  /** starts a cluster of `nodes` machines for a cluster lab (none in the authoring preview) */
  startCluster?(nodes: number): void;
  /**
   * saves the running machine and starts the image's machine `machine` fresh in its place, the
   * default one when none is named (none in the authoring preview)
   */
  startMachine?(machine?: string): Promise<void>;
  /** opens the inspector on a view */
  inspect?(view: string): void;
}

/** The lab's words, in the lab's own language (a shared lab may be in another than the page's). */
const wordsOf = (lang: LabLanguage) => stringsFor(lang).lab;

export class LabPanel {
  private readonly runner: LabRunner;
  private catalogueHref = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly host: LabHost,
    store: ProgressStore,
    /** none in the authoring preview */
    checkpoints?: Checkpoints,
  ) {
    this.runner = new LabRunner(host, store, checkpoints);
  }

  private get lab(): Lab | null {
    return this.runner.lab;
  }

  /** The machine is up (started, restored, rewound): make sure the current step can be started again. */
  machineReady(suite: string): void {
    this.runner.machineRunning = true;
    this.runner.suite = suite;
    this.showImageWarning();
    void this.showMachineControls();
    this.checkPreparation();
    const step = this.runner.currentStep();
    if (step) void this.checkpointFor(step, false);
  }

  /**
   * A lab's preparation step is checked as soon as the lab and the machine are both there: what
   * an earlier lab left shows at once, in the step, beside the clean-up to run (nothing runs but
   * the check).
   */
  private checkPreparation(): void {
    const step = this.lab?.steps.find((s) => s.id === PREPARE_STEP && s.check);
    if (!step || this.runner.passed(step)) return;
    const button = this.root.querySelector<HTMLButtonElement>(`section.step[data-step="${step.id}"] .check-button`);
    if (button && !button.disabled) button.click();
  }

  machineStopped(): void {
    this.runner.machineRunning = false;
  }

  /** Shows the open lab again with the progress now stored (after a restore brought older progress back). */
  async reload(): Promise<void> {
    if (this.lab) await this.showLab(this.lab, this.catalogueHref);
  }

  showCatalogue(entries: CatalogueEntry[], lang: LabLanguage, linkTo: (id: string) => string): void {
    const w = wordsOf(lang);
    this.runner.close();
    this.root.innerHTML = `<h2>${w.labs}</h2><ul class="catalogue"></ul>`;
    const list = this.root.querySelector('ul')!;
    for (const entry of entries) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = linkTo(entry.id);
      link.textContent = entry.title[lang];
      item.append(link, ` (${entry.minutes} ${w.minutes})`);
      list.append(item);
    }
  }

  showError(message: string): void {
    this.root.innerHTML = '<p class="lab-error" role="alert"></p>';
    this.root.querySelector('p')!.textContent = message;
  }

  async showLab(lab: Lab, catalogueHref: string): Promise<void> {
    const w = wordsOf(lab.lang);
    await this.runner.open(lab);
    this.catalogueHref = catalogueHref;
    this.root.innerHTML = `<p class="lab-nav"><a href="${catalogueHref}">← ${w.catalogue}</a> <span class="score"></span></p><h2></h2><div class="intro"></div>`;
    this.root.querySelector('h2')!.textContent = lab.title;
    this.root.querySelector('.intro')!.innerHTML = renderMarkdown(lab.intro);
    this.addRunButtons(this.root.querySelector('.intro')!, w.run);
    if (lab.nodes && this.host.startCluster) this.root.querySelector('.intro')!.after(this.clusterControls(lab.nodes));
    for (const step of lab.steps) this.root.append(this.stepSection(step));
    this.root.append(this.completionControls());
    this.updateScore();
    await this.showCheckpoints();
    if (this.runner.machineRunning) this.machineReady(this.runner.suite);
  }

  /** A lab written for another guest image may not work here: say so, do not refuse it. */
  private showImageWarning(): void {
    const lab = this.lab;
    const image = this.runner.otherImage();
    this.root.querySelector('.image-warning')?.remove();
    if (!lab || !image) return;
    const note = document.createElement('p');
    note.className = 'image-warning';
    note.setAttribute('role', 'note');
    note.textContent = wordsOf(lab.lang).otherImage(image, this.runner.suite);
    this.root.querySelector('h2')?.after(note);
  }

  /**
   * A lab that starts from another of the image's machines offers to open it, unless the
   * running machine already is that one (its probe says so).
   */
  private async showMachineControls(): Promise<void> {
    const lab = this.lab;
    this.root.querySelector('.machine-start')?.remove();
    if (!lab?.machine || !this.host.startMachine) return;
    if (!(await this.runner.needsOtherMachine()) || this.lab !== lab || this.root.querySelector('.machine-start')) return;
    const w = wordsOf(lab.lang);
    const box = document.createElement('p');
    box.className = 'machine-start';
    box.append(w.machineNeeded(lab.machine), ' ', this.startMachineButton(w.startMachine(lab.machine), lab.machine));
    this.root.querySelector('.intro')!.after(box);
  }

  /** A button that opens the image's machine `machine` (the default one when none), disabled while it starts. */
  private startMachineButton(text: string, machine: string | undefined): HTMLButtonElement {
    const button = document.createElement('button');
    button.textContent = text;
    button.onclick = async () => {
      button.disabled = true;
      await this.host.startMachine!(machine);
      button.disabled = false;
    };
    return button;
  }

  /** Saves the machine as the start of `step` (unless it has a checkpoint and `replace` is false), and shows it. */
  private async checkpointFor(step: LabStep, replace: boolean): Promise<void> {
    if (await this.runner.checkpointFor(step, replace)) await this.showCheckpoints();
  }

  /** A "start this step again" button on each step that has a checkpoint. */
  private async showCheckpoints(): Promise<void> {
    const lab = this.lab;
    const checkpoints = this.runner.checkpoints;
    if (!lab || !checkpoints) return;
    const w = wordsOf(lab.lang);
    const saved = await checkpoints.forLab(lab.id);
    for (const step of lab.steps) {
      const section = this.root.querySelector<HTMLElement>(`section.step[data-step="${step.id}"]`);
      const record = saved.get(step.id);
      section?.querySelector('.rewind-button')?.remove();
      if (!section || !record) continue;
      const button = document.createElement('button');
      button.className = 'rewind-button';
      button.textContent = w.rewind;
      button.onclick = () => {
        if (confirm(w.rewindConfirm(step.title))) void checkpoints.rewind(record);
      };
      section.querySelector('h3')!.after(button);
    }
  }

  /** A cluster lab starts its nodes from here (node1 is the machine already running). */
  private clusterControls(nodes: number): HTMLElement {
    const w = wordsOf(this.lab!.lang);
    const box = document.createElement('p');
    box.className = 'cluster-start';
    const button = document.createElement('button');
    button.textContent = w.startCluster(nodes);
    button.onclick = () => this.host.startCluster!(nodes);
    box.append(w.clusterNeeded(nodes), ' ', button);
    return box;
  }

  /** The record a trainee hands in: a file and a QR code of the same JSON. */
  private completionControls(): HTMLElement {
    const w = wordsOf(this.lab!.lang);
    const box = document.createElement('section');
    box.className = 'completion';
    box.innerHTML = `<h3></h3><label><span></span> <input class="trainee" autocomplete="name"></label> <button class="record-button"></button>
      <p class="caveat"></p><img class="record-qr" alt="" hidden>`;
    box.querySelector('h3')!.textContent = w.record;
    box.querySelector('label span')!.textContent = w.yourName;
    box.querySelector('.caveat')!.textContent = w.caveat;
    const button = box.querySelector<HTMLButtonElement>('.record-button')!;
    button.textContent = w.makeRecord;
    button.onclick = async () => {
      const { lab, progress } = this.runner;
      if (!lab || !progress) return;
      const name = box.querySelector<HTMLInputElement>('.trainee')!.value.trim();
      const record = await makeCompletionRecord(lab, progress, name);
      const json = JSON.stringify(record);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      link.download = `labbox-${record.lab.id}-${(name || 'trainee').replace(/[^\p{L}\p{N}_-]+/gu, '-')}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      const qr = box.querySelector<HTMLImageElement>('.record-qr')!;
      try {
        const { toDataURL } = await import('qrcode');
        qr.src = await toDataURL(json, { errorCorrectionLevel: 'L', margin: 2 });
        qr.alt = `${w.record}: ${record.score.passed} / ${record.score.steps}`;
        qr.hidden = false;
      } catch (error) {
        // the file is already saved: say the QR code is missing, do not fail silently
        this.host.warn(`${w.noQr}: ${(error as Error).message}`);
      }
    };
    return box;
  }

  private stepSection(step: LabStep): HTMLElement {
    const w = wordsOf(this.lab!.lang);
    const section = document.createElement('section');
    section.className = 'step';
    section.dataset.step = step.id;
    section.innerHTML = '<h3><span class="mark" aria-hidden="true"></span><span class="title"></span></h3><div class="body"></div>';
    section.querySelector('.title')!.textContent = step.title;
    const body = section.querySelector<HTMLElement>('.body')!;
    body.innerHTML = renderMarkdown(step.body);
    this.addRunButtons(body, w.run);
    for (const hint of step.hints) {
      const details = document.createElement('details');
      details.className = 'hint';
      details.innerHTML = `<summary>${w.hint}</summary>${renderMarkdown(hint)}`;
      section.append(details);
    }
    if (step.inspect && this.host.inspect) {
      const button = document.createElement('button');
      button.className = 'inspect-button';
      button.textContent = w.inspect(step.inspect);
      button.onclick = () => this.host.inspect!(step.inspect!);
      section.append(button);
    }
    if (step.check) section.append(this.checkControls(step));
    if (step.quiz) section.append(this.quizControls(step, step.quiz));
    this.showResult(section, this.runner.passed(step));
    return section;
  }

  private checkControls(step: LabStep): HTMLElement {
    const w = wordsOf(this.lab!.lang);
    const box = document.createElement('div');
    box.className = 'check';
    box.innerHTML = `<button class="check-button"></button><span class="verdict" role="status"></span><pre class="check-output" hidden></pre>`;
    const button = box.querySelector('button')!;
    const verdict = box.querySelector<HTMLElement>('.verdict')!;
    const output = box.querySelector<HTMLElement>('pre')!;
    button.textContent = w.check;
    button.onclick = async () => {
      button.disabled = true;
      verdict.textContent = w.checking;
      output.hidden = true;
      const outcome = await this.runner.check(step).catch((error: Error) => ({ passed: false, ran: false, problem: error.message, next: undefined }));
      // verdict, mark and score change together, once the result is stored
      verdict.textContent = outcome.passed ? w.passed : w.notYet;
      output.textContent = outcome.problem;
      output.hidden = !outcome.problem;
      button.disabled = false;
      this.recorded(step, outcome.passed);
      if (step.id === PREPARE_STEP) this.showFreshOffer(box, outcome.ran && !outcome.passed);
      if (outcome.next) void this.checkpointFor(outcome.next, true);
    };
    return box;
  }

  /**
   * Beside a preparation that is not met: the lab on a fresh machine of its own kind, instead of
   * the clean-up (the machine running now is saved first and stays in "Saved").
   */
  private showFreshOffer(box: HTMLElement, shown: boolean): void {
    box.querySelector('.fresh-offer')?.remove();
    const lab = this.lab;
    if (!shown || !lab || !this.host.startMachine) return;
    const w = wordsOf(lab.lang);
    const offer = document.createElement('p');
    offer.className = 'fresh-offer';
    const button = this.startMachineButton(w.startFresh, lab.machine);
    button.className = 'fresh-button';
    button.title = w.freshTitle;
    offer.append(w.freshOffer, ' ', button);
    box.append(offer);
  }

  private quizControls(step: LabStep, quiz: Quiz): HTMLElement {
    const w = wordsOf(this.lab!.lang);
    const several = quiz.choices.filter((c) => c.correct).length > 1;
    const form = document.createElement('fieldset');
    form.className = 'quiz';
    const legend = document.createElement('legend');
    legend.innerHTML = renderMarkdown(quiz.question);
    form.append(legend);
    quiz.choices.forEach((choice, i) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = several ? 'checkbox' : 'radio';
      input.name = `quiz-${step.id}`;
      input.value = String(i);
      const text = document.createElement('span');
      text.innerHTML = renderMarkdown(choice.text).replace(/^<p>|<\/p>\s*$/g, '');
      label.append(input, ' ', text);
      form.append(label);
    });
    const button = document.createElement('button');
    button.textContent = w.answer;
    const explanation = document.createElement('p');
    explanation.className = 'explanation';
    explanation.setAttribute('role', 'status');
    button.onclick = async () => {
      const chosen = new Set([...form.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => Number(i.value)));
      const correct = isRightAnswer(quiz, chosen);
      // the explanation at once; the mark and the score once the answer is kept
      explanation.textContent = `${correct ? w.right : w.wrong} ${quiz.explanation}`;
      await this.runner.answer(step, correct);
      this.recorded(step, true);
    };
    form.append(button, explanation);
    return form;
  }

  /** A button before each shell code block that types it into the active terminal. */
  private addRunButtons(container: HTMLElement, label: string): void {
    for (const code of container.querySelectorAll<HTMLElement>('pre > code')) {
      const lang = /language-(\S+)/.exec(code.className)?.[1];
      if (!lang || !RUNNABLE_LANGUAGES.has(lang)) continue;
      const button = document.createElement('button');
      button.className = 'run-button';
      button.textContent = `▶ ${label}`;
      // Enter is a carriage return on a keyboard: the shell then runs each line in turn
      const node = code.parentElement!.dataset.node;
      if (node) button.textContent = `▶ ${label} (${node})`;
      button.onclick = () => this.host.type(code.textContent!.replace(/\n*$/, '\n').replace(/\n/g, '\r'), node);
      code.parentElement!.before(button);
    }
  }

  /** A step's result is kept: its mark and the score show it. */
  private recorded(step: LabStep, passed: boolean): void {
    const section = this.root.querySelector<HTMLElement>(`section.step[data-step="${step.id}"]`);
    if (section) this.showResult(section, passed);
    this.updateScore();
  }

  private showResult(section: HTMLElement, passed: boolean | undefined): void {
    section.classList.toggle('passed', passed === true);
    section.querySelector('.mark')!.textContent = passed ? '✓ ' : '';
  }

  private updateScore(): void {
    if (!this.lab) return;
    const { done, total } = this.runner.score();
    const score = this.root.querySelector('.score');
    if (score) score.textContent = `${done} / ${total} ${wordsOf(this.lab.lang).steps}`;
  }
}
