/**
 * The site's cached snapshot, streamed from the page's snapshot reader (snapshot-reader.worker.ts)
 * to the emulator worker, which restores it as it arrives (src/vm/arriving-state.ts). The reader
 * checks the whole file (size, SHA-256) as it goes and says so at its end.
 */
import { ArrivingState } from '../src/vm/arriving-state';
import type { ManifestFile, StreamingIndex } from '../src/vm/manifest';

export type SnapshotMessage =
  /** first: whether `url` is cached (streaming follows) */
  | { kind: 'head'; url?: string; cached: boolean }
  | { kind: 'bytes'; chunk: ArrayBuffer }
  /** last: whether the whole file matched the manifest */
  | { kind: 'end'; whole: boolean };

/** A reader that has not answered by then is taken as gone: the emulator reads the cache itself. */
const SILENCE_MS = 5000;

/**
 * The snapshot at `url` as the reader streams it into `port`; undefined when the reader says it
 * is not cached, or does not answer. A reader that falls silent or ends short fails it.
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
      timer = setTimeout(() => {
        stop();
        if (arriving) arriving.fail(new Error('the offline cache stopped answering'));
        else resolve(undefined);
      }, SILENCE_MS);
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
        watch();
        arriving = new ArrivingState(entry.size, entry.streaming);
        resolve(arriving);
      } else {
        stop();
        resolve(undefined);
      }
    };
  });
}
