/**
 * A completion record a trainee hands in with no server: the lab, each step's result and
 * time, the quiz score, and a SHA-256 digest over the rest. The digest catches accidental or
 * naive edits; with no server to hold a secret, a trainee who recomputes it can forge one,
 * and the page says so.
 */
import { sha256Hex } from '../storage/digest';
import type { Lab } from './lab';
import type { LabProgress } from './lab-progress';

export interface CompletionRecord {
  format: 1;
  lab: { id: string; title: string; lang: string };
  trainee: string;
  createdAt: string;
  steps: { id: string; passed: boolean; at?: string; correct?: boolean }[];
  score: { passed: number; steps: number; quizRight: number; quizzes: number };
  digest: string;
}

/** The same text for the same record, whatever the key order: what the digest covers. */
function canonical(record: Omit<CompletionRecord, 'digest'>): string {
  const { format, lab, trainee, createdAt, steps, score } = record;
  return JSON.stringify([
    format,
    [lab.id, lab.title, lab.lang],
    trainee,
    createdAt,
    steps.map((s) => [s.id, s.passed, s.at ?? null, s.correct ?? null]),
    [score.passed, score.steps, score.quizRight, score.quizzes],
  ]);
}

export async function makeCompletionRecord(lab: Lab, progress: LabProgress, trainee: string, now = new Date()): Promise<CompletionRecord> {
  const steps = lab.steps.map((s) => {
    const r = progress.steps[s.id];
    return { id: s.id, passed: r?.passed ?? false, at: r?.at, correct: s.quiz ? (r?.correct ?? false) : undefined };
  });
  const quizzes = lab.steps.filter((s) => s.quiz).length;
  const body = {
    format: 1 as const,
    lab: { id: lab.id, title: lab.title, lang: lab.lang },
    trainee,
    createdAt: now.toISOString(),
    steps,
    score: { passed: steps.filter((s) => s.passed).length, steps: steps.length, quizRight: steps.filter((s) => s.correct).length, quizzes },
  };
  return { ...body, digest: await sha256Hex(new TextEncoder().encode(canonical(body))) };
}

/** Whether the record is as the page made it (see the caveat above). */
export async function verifyCompletionRecord(record: CompletionRecord): Promise<boolean> {
  const { digest, ...body } = record;
  return digest === (await sha256Hex(new TextEncoder().encode(canonical(body))));
}
