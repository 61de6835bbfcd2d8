/**
 * The web APIs that browsers and Node.js (20 and later) both provide as globals: the only
 * platform the platform-free layer (tsconfig.core.json) may use. Each is declared with just
 * the members that layer calls; the browser and Node layers see the full DOM or Node types
 * instead, as this file is part of the core's program only.
 */

declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string;
}

/** A timer's handle: a number in browsers, an object in Node; only clearTimeout reads it. */
interface TimerHandle {}
declare function setTimeout(callback: (...args: any[]) => void, ms?: number): TimerHandle;
declare function clearTimeout(handle: TimerHandle | undefined): void;

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
declare class AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}

interface ReadableStream<R = unknown> {
  pipeThrough<T>(transform: { writable: unknown; readable: ReadableStream<T> }): ReadableStream<T>;
}
declare class CompressionStream {
  constructor(format: 'gzip' | 'deflate' | 'deflate-raw');
  readonly writable: unknown;
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
}
declare class DecompressionStream {
  constructor(format: 'gzip' | 'deflate' | 'deflate-raw');
  readonly writable: unknown;
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
}

type BlobPart = ArrayBuffer | ArrayBufferView<ArrayBuffer> | Blob | string;
declare class Blob {
  constructor(parts?: BlobPart[], options?: { type?: string });
  readonly size: number;
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  stream(): ReadableStream<Uint8Array<ArrayBuffer>>;
}

interface Headers {
  get(name: string): string | null;
}
declare class Response {
  constructor(body?: BlobPart | Blob | ReadableStream<Uint8Array> | null);
  readonly ok: boolean;
  readonly status: number;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array<ArrayBuffer>> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}
declare function fetch(url: string, init?: { signal?: AbortSignal }): Promise<Response>;

declare class URL {
  constructor(url: string, base?: string | URL);
  readonly href: string;
}

declare function btoa(data: string): string;
declare function atob(data: string): string;

interface SubtleCrypto {
  digest(algorithm: 'SHA-256', data: ArrayBuffer | ArrayBufferView<ArrayBuffer>): Promise<ArrayBuffer>;
}
interface Crypto {
  /** undefined outside secure contexts (https, localhost) in browsers */
  readonly subtle: SubtleCrypto;
  getRandomValues<T extends Uint8Array | Uint16Array | Uint32Array>(array: T): T;
  randomUUID(): string;
}
declare var crypto: Crypto;
