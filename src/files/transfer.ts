/**
 * Files in and out of the machine, through the agent (never a terminal's bytes): files and
 * folders dropped on the page go to /root/uploads/ (guest-files.ts, in pieces, with a
 * progress bar), and `labbox-download PATH` hands a file, or a folder as a tar, to the
 * browser's downloads (the worker's execStream, its bytes as they come). Each direction has a
 * size limit, said before anything moves.
 */
import * as Comlink from 'comlink';
import type { EmulatorContract } from '../../workers/emulator-contract';
import { t } from '../i18n/page';
import type { StreamMessage } from '../preview/messages';
import { shellQuote, writeGuestFile, type GuestExec } from './guest-files';

/** The most a drop carries at once. */
export const MAX_UPLOAD_BYTES = 64 * 2 ** 20;
/** The largest file or folder (as a tar) labbox-download hands over. */
export const MAX_DOWNLOAD_BYTES = 64 * 2 ** 20;
export const UPLOAD_DIR = '/root/uploads';

export interface TransferHost {
  /** the machine's (or a node's) emulator worker; null when it is not running */
  worker(node?: string): Comlink.Remote<EmulatorContract> | null;
  notice(message: string, warn?: boolean): void;
  progress(message: string, done: number, total: number): void;
}

/** A dropped file with its path under the upload folder (`notes.txt`, `site/css/a.css`). */
export interface DroppedFile {
  path: string;
  file: File;
}

/** The files of a drop, folders walked (their relative paths kept). */
export async function droppedFiles(data: DataTransfer): Promise<DroppedFile[]> {
  const entries = [...data.items].map((item) => item.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  // a drop made by a script has no entries: its files are flat
  if (entries.length === 0) return [...data.files].map((file) => ({ path: file.name, file }));
  const out: DroppedFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ path: `${prefix}${entry.name}`, file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}

/** Whether a dropped path is safe to put under the upload folder (no `..`, no empty part). */
export function safeUploadPath(path: string): boolean {
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** Uploads dropped files to /root/uploads/ on the machine; says how it went. */
export async function upload(host: TransferHost, files: DroppedFile[], node?: string): Promise<void> {
  const worker = host.worker(node);
  if (!worker) return host.notice(t.files.notRunning, true);
  const kept = files.filter((f) => safeUploadPath(f.path));
  const total = kept.reduce((n, f) => n + f.file.size, 0);
  if (total > MAX_UPLOAD_BYTES) return host.notice(t.files.tooBig(MAX_UPLOAD_BYTES), true);
  const exec: GuestExec = (command, timeoutMs) => worker.exec(command, timeoutMs, true);
  const folders = [...new Set(kept.map((f) => `${UPLOAD_DIR}/${f.path}`.replace(/\/[^/]*$/, '')))];
  let done = 0;
  try {
    host.progress(t.files.uploading, 0, total);
    const made = await exec(`mkdir -p ${folders.map(shellQuote).join(' ')}`, 60_000);
    if (made.exitCode !== 0) throw new Error(made.stderr.trim());
    for (const { path, file } of kept) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const before = done;
      await writeGuestFile(exec, `${UPLOAD_DIR}/${path}`, bytes, { onProgress: (n) => host.progress(t.files.uploading, before + n, total) });
      done += bytes.length;
    }
    host.notice(t.files.uploaded(kept.length));
  } catch (error) {
    host.notice(t.files.failed(error instanceof Error ? error.message : String(error)), true);
  }
}

/** Reads a command's output as bytes through the worker's execStream. */
function readStream(
  worker: Comlink.Remote<EmulatorContract>,
  command: string,
  timeoutMs: number,
): Promise<{ chunks: Uint8Array[]; exitCode: number; stderr: string }> {
  const channel = new MessageChannel();
  const chunks: Uint8Array[] = [];
  return new Promise((resolve, reject) => {
    channel.port1.onmessage = (event: MessageEvent<StreamMessage>) => {
      const m = event.data;
      if (m.type === 'data') return void chunks.push(m.chunk);
      channel.port1.close();
      if (m.type === 'end') resolve({ chunks, exitCode: m.exitCode, stderr: m.stderr });
      else reject(new Error(m.message));
    };
    worker.execStream(command, Comlink.transfer(channel.port2, [channel.port2]), timeoutMs, false).catch(reject);
  });
}

/** Exit code of a download's size check: the path is larger than MAX_DOWNLOAD_BYTES. */
const TOO_BIG_EXIT = 6;

/** Hands a guest file, or a folder as `<name>.tar`, to the browser's downloads. */
export async function download(host: TransferHost, path: string, node?: string): Promise<void> {
  const worker = host.worker(node);
  if (!worker) return host.notice(t.files.notRunning, true);
  const p = shellQuote(path);
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1) || 'root';
  const parent = shellQuote(path.slice(0, slash) || '/');
  host.notice(t.files.downloading(path));
  try {
    const r = await readStream(
      worker,
      `[ "$(du -sb -- ${p} | cut -f1)" -le ${MAX_DOWNLOAD_BYTES} ] || exit ${TOO_BIG_EXIT}; ` +
        `if [ -d ${p} ]; then exec tar -C ${parent} -cf - -- ${shellQuote(name)}; else exec cat -- ${p}; fi`,
      300_000,
    );
    if (r.exitCode === TOO_BIG_EXIT) return host.notice(t.files.downloadTooBig(path, MAX_DOWNLOAD_BYTES), true);
    if (r.exitCode !== 0) throw new Error(r.stderr.trim() || `exit ${r.exitCode}`);
    const isTar = (await worker.exec(`[ -d ${p} ]`, 30_000, false)).exitCode === 0;
    const fileName = isTar ? `${name}.tar` : name;
    const url = URL.createObjectURL(new Blob(r.chunks as BlobPart[], { type: isTar ? 'application/x-tar' : 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    host.notice(t.files.downloaded(fileName));
  } catch (error) {
    host.notice(t.files.downloadFailed(path, error instanceof Error ? error.message : String(error)), true);
  }
}

/** Takes files and folders dropped anywhere on the page, with an overlay saying where they go. */
export function acceptDrops(target: HTMLElement, host: TransferHost): void {
  const overlay = document.createElement('div');
  overlay.id = 'drop-zone';
  overlay.hidden = true;
  overlay.textContent = t.files.dropHere(MAX_UPLOAD_BYTES);
  target.append(overlay);
  const carriesFiles = (e: DragEvent) => !!e.dataTransfer?.types.includes('Files');
  target.addEventListener('dragover', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    overlay.hidden = false;
  });
  target.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) overlay.hidden = true;
  });
  target.addEventListener('drop', (e) => {
    overlay.hidden = true;
    if (!e.dataTransfer || !carriesFiles(e)) return;
    e.preventDefault();
    void droppedFiles(e.dataTransfer).then((files) => upload(host, files));
  });
}
