/**
 * Files carried into and out of the guest through the agent's exec, never through a
 * terminal's bytes: a command's text is one argument of `sh -c`, which the kernel caps at
 * 128 KiB (MAX_ARG_STRLEN, below the agent's 1 MiB frame), so a file goes in as base64 pieces
 * of CHUNK_BYTES, appended to a part file that takes the file's place once whole.
 * Platform-free: the page, the tests and the benchmark use it.
 */
import { sha256Hex } from '../storage/digest';

/** Runs a command in the guest (the worker's exec): its output as text, its exit code. */
export type GuestExec = (command: string, timeoutMs?: number) => Promise<{ stdout: string; stderr: string; exitCode: number }>;

/** Bytes of a file in one exec: their base64 (123 KiB) and the command stay under the kernel's 128 KiB per argument. */
export const CHUNK_BYTES = 92 * 1024;

/** `s` as one word of a POSIX shell command. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The file changed in the guest since it was read: a save would overwrite someone's change. */
export class ChangedMeanwhileError extends Error {
  override name = 'ChangedMeanwhileError';
}

export class GuestFileError extends Error {
  override name = 'GuestFileError';
}

/** Exit code of a write whose file changed in the guest meanwhile. */
const CHANGED_EXIT = 3;

export interface WriteOptions {
  /** the file's SHA-256 when it was read ('' when it did not exist): the write fails with ChangedMeanwhileError if the guest's file differs */
  expectSha256?: string;
  /** write into the file itself (keeping its inode, mode and links: an edited file) rather than putting a new file in its place (an upload) */
  inPlace?: boolean;
  /** bytes written so far, after each piece */
  onProgress?: (written: number) => void;
  /** stops between pieces; the part file is removed */
  signal?: AbortSignal;
}

/** The command that puts the part file in the file's place, or leaves it when the file changed meanwhile. */
function finishCommand(file: string, part: string, options: WriteOptions): string {
  const f = shellQuote(file);
  const p = shellQuote(part);
  const check =
    options.expectSha256 === undefined
      ? ''
      : options.expectSha256 === ''
        ? `[ ! -e ${f} ] || { rm -f ${p}; exit ${CHANGED_EXIT}; }; `
        : `[ "$(sha256sum < ${f} 2>/dev/null | cut -c1-64)" = ${options.expectSha256} ] || { rm -f ${p}; exit ${CHANGED_EXIT}; }; `;
  const place = options.inPlace ? `cat ${p} > ${f} && rm -f ${p}` : `mv -f ${p} ${f}`;
  return `${check}${place}`;
}

/**
 * Writes `bytes` to `file` in the guest (its folder must exist): the pieces go to a part
 * file beside it, which then takes its place, so a reader never sees half a file.
 */
export async function writeGuestFile(exec: GuestExec, file: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<void> {
  const slash = file.lastIndexOf('/');
  const part = `${file.slice(0, slash + 1)}.${file.slice(slash + 1)}.labbox-part`;
  const run = async (command: string) => {
    const r = await exec(command, 120_000);
    if (r.exitCode === CHANGED_EXIT && command.startsWith('[')) throw new ChangedMeanwhileError(file);
    if (r.exitCode !== 0) throw new GuestFileError(r.stderr.trim() || `exit ${r.exitCode}`);
  };
  try {
    for (let at = 0; at === 0 || at < bytes.length; at += CHUNK_BYTES) {
      if (options.signal?.aborted) throw new GuestFileError('stopped');
      const piece = bytes.subarray(at, at + CHUNK_BYTES);
      await run(`printf %s ${toBase64(piece) || "''"} | base64 -d ${at === 0 ? '>' : '>>'} ${shellQuote(part)}`);
      options.onProgress?.(Math.min(bytes.length, at + piece.length));
    }
    await run(finishCommand(file, part, options));
  } catch (error) {
    if (!(error instanceof ChangedMeanwhileError)) await exec(`rm -f ${shellQuote(part)}`, 30_000).catch(() => undefined);
    throw error;
  }
}

/** A file read from the guest, with its SHA-256 (what a later write checks against). */
export interface GuestFile {
  bytes: Uint8Array;
  sha256: string;
}

/** Exit codes of a read: the file is missing, a folder, or too big. */
const MISSING_EXIT = 4;
const FOLDER_EXIT = 5;
const TOO_BIG_EXIT = 6;

/**
 * Reads a file of at most `maxBytes` from the guest (as base64: the exec's output is text);
 * null when it does not exist. Throws GuestFileError for a folder or a file too big.
 */
export async function readGuestFile(exec: GuestExec, file: string, maxBytes: number): Promise<GuestFile | null> {
  const f = shellQuote(file);
  const r = await exec(
    `[ -e ${f} ] || exit ${MISSING_EXIT}; [ -d ${f} ] && exit ${FOLDER_EXIT}; ` +
      `[ "$(stat -c %s ${f})" -le ${maxBytes} ] || exit ${TOO_BIG_EXIT}; base64 -w0 ${f}`,
    120_000,
  );
  if (r.exitCode === MISSING_EXIT) return null;
  if (r.exitCode === FOLDER_EXIT) throw new GuestFileError('folder');
  if (r.exitCode === TOO_BIG_EXIT) throw new GuestFileError('too big');
  if (r.exitCode !== 0) throw new GuestFileError(r.stderr.trim() || `exit ${r.exitCode}`);
  const bytes = fromBase64(r.stdout);
  return { bytes, sha256: await sha256Hex(bytes) };
}
