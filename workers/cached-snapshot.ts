/**
 * The site's cached snapshot, streamed from the page's snapshot reader (snapshot-reader.worker.ts)
 * to the emulator worker, which restores it as it arrives (src/vm/arriving-state.ts), its
 * checksum included; the reader says in its last message whether it read the whole file.
 */
import { ArrivingState } from '../src/vm/arriving-state';
import type { ManifestFile, StreamingIndex } from '../src/vm/manifest';

export type SnapshotMessage =
  /** first: whether `url` is cached (streaming follows) */
  | { kind: 'head'; url?: string; cached: boolean }
  | { kind: 'bytes'; chunk: ArrayBuffer }
  /** last: whether the file read had the manifest's size */
  | { kind: 'end'; whole: boolean };

/**
 * A reader silent for that long is taken as gone (the emulator reads the cache itself): before
 * its first message, and between two of them (longer, as the restore may keep this thread busy).
 */
const SILENCE_MS = { head: 5_000, bytes: 30_000 };

/**
 * The snapshot at `url` as the reader streams it into `port`; undefined when the reader says it
 * is not cached, or does not answer. A reader that falls silent or finds it damaged fails it.
 */
export function snapshotFromReader(port: MessagePort, url: string, entry: ManifestFile & { streaming?: StreamingIndex }): Promise<ArrivingState | undefined> {
  return new Promise((resolve) => {
    let arriving: ArrivingState | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      clearTimeout(timer);
      port.close();
    };
    const watch = () => {
      clearTimeout(timer);
      const silence = arriving ? SILENCE_MS.bytes : SILENCE_MS.head;
      timer = setTimeout(() => {
        stop();
        if (arriving) arriving.fail(new Error('the offline cache stopped answering'));
        else resolve(undefined);
      }, silence);
    };
    watch();
    port.onmessage = ({ data }: MessageEvent<SnapshotMessage | null>) => {
      if (data?.kind === 'bytes' && arriving) {
        watch();
        arriving.push(new Uint8Array(data.chunk));
      } else if (data?.kind === 'end' && arriving) {
        stop();
        arriving.finish(data.whole);
      } else if (data?.kind === 'head' && data.cached && data.url === url) {
        arriving = new ArrivingState(entry.size, entry.streaming);
        watch();
        resolve(arriving);
      } else {
        stop();
        resolve(undefined);
      }
    };
  });
}
