/**
 * v86's WebAssembly, compiled while the snapshot downloads (v86 itself fetches and compiles it
 * only once constructed, after the download), and compiled from the stream so that the browser
 * can keep the compiled code in its cache for the next visit.
 */
import { stringsFor, type Strings } from '../src/i18n';

/** v86's WebAssembly could not be fetched: `status`, the server's answer; none, no answer. */
export class WasmDownloadError extends Error {
  override name = 'WasmDownloadError';
  constructor(readonly status?: number) {
    super(whyNoEmulator(stringsFor('en'), status));
  }
}

/** Why the emulator is missing, in `words`. */
export function whyNoEmulator(words: Strings, status?: number): string {
  return words.machine.emulatorNotDownloaded(status ? `HTTP ${status}` : words.machine.unreachable);
}

/** What v86 accepts as its `wasm_fn` option: instantiates its module with v86's imports. */
export type WasmInstantiate = (imports: WebAssembly.Imports) => Promise<WebAssembly.Exports>;

async function compile(url: string): Promise<WebAssembly.Module> {
  const streamed = await WebAssembly.compileStreaming(fetch(url)).catch((error: unknown) => error);
  if (streamed instanceof WebAssembly.Module) return streamed;
  // a server that does not label .wasm files application/wasm cannot stream: compile the bytes
  const response = await fetch(url).catch(() => null);
  if (!response?.ok) throw new WasmDownloadError(response?.status);
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * Starts compiling `url` (v86.wasm); v86-fallback.wasm, its build for browsers that lack a
 * WebAssembly feature it uses, is tried when that fails. `ready` rejects with a WasmDownloadError
 * when the file cannot be fetched; `instantiate` is for v86.
 */
export function compileV86(url: string): { ready: Promise<void>; instantiate: WasmInstantiate } {
  const module = compile(url).catch((error: unknown) => compile(url.replace(/v86\.wasm$/, 'v86-fallback.wasm')).catch(() => Promise.reject(error)));
  const ready = module.then(() => undefined);
  // said by whoever awaits `ready`; a start that failed earlier for another reason never does
  ready.catch(() => {});
  return {
    ready,
    instantiate: async (imports) => (await WebAssembly.instantiate(await module, imports)).exports,
  };
}
