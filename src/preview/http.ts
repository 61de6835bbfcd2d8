/**
 * HTTP/1.1 as the preview carries it between the browser and a server in the guest: the
 * request written as bytes (one request a connection, `Connection: close`), the answer parsed
 * back from the bytes the guest relays (status, headers, a body by length, chunked or up to
 * the close), and the addresses under /preview/ mapped to a guest's port. Platform-free: the
 * service worker, the page and the unit tests use it.
 */

/** Where a preview address leads: a port of the main machine, or of a cluster node. */
export interface PreviewTarget {
  /** a cluster node's name (node2…); absent for the main machine */
  node?: string;
  port: number;
  /** the path and query the server sees, from its root: `/`, `/index.html?x=1` */
  path: string;
  /** the address of the target's root on the site, ending in `/`: `/preview/8080/`, `/preview/node2/8080/` */
  prefix: string;
}

/** The folder of the site under which each port's answers appear. */
export const PREVIEW_FOLDER = 'preview/';

const NODE = /^node[1-9]$/;

/**
 * Reads `<root>preview/<port>/<path>` or `<root>preview/<node>/<port>/<path>` (`root`: the
 * site's own path, ending in `/`). A port without its slash (`/preview/8080`) has an empty
 * path: the caller redirects it to the slash, so that relative links resolve under it.
 */
export function parsePreviewPath(pathname: string, search: string, root: string): PreviewTarget | null {
  const base = `${root}${PREVIEW_FOLDER}`;
  if (!pathname.startsWith(base)) return null;
  const parts = pathname.slice(base.length).split('/');
  const node = NODE.test(parts[0]) ? parts.shift() : undefined;
  const portText = parts.shift() ?? '';
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port < 1 || port > 65535) return null;
  const prefix = `${base}${node ? `${node}/` : ''}${port}/`;
  const path = parts.length === 0 ? '' : `/${parts.join('/')}${search}`;
  return { node, port, path, prefix };
}

/** A request as the service worker has it. */
export interface PreviewRequest {
  method: string;
  path: string;
  port: number;
  headers: [string, string][];
  body?: Uint8Array;
  /** the site's origin and the target's prefix: an Origin or Referer on the site becomes the server's own */
  siteOrigin: string;
  prefix: string;
}

/** Headers of one connection, not of the message, and those the preview sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  'accept-encoding',
]);

/** The server's own address for what the browser says about the site (Origin, Referer). */
function serverAddress(value: string, request: PreviewRequest): string {
  const server = `http://localhost:${request.port}`;
  if (value === request.siteOrigin) return server;
  const under = `${request.siteOrigin}${request.prefix}`;
  return value.startsWith(under) ? `${server}/${value.slice(under.length)}` : value;
}

/** The request's bytes: an HTTP/1.1 request on a connection of its own, without compression. */
export function encodeRequest(request: PreviewRequest): Uint8Array {
  const lines = [`${request.method} ${request.path || '/'} HTTP/1.1`, `Host: localhost:${request.port}`];
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    lines.push(`${name}: ${lower === 'origin' || lower === 'referer' ? serverAddress(value, request) : value}`);
  }
  // a synthetic Response is never decompressed by the browser: ask for the bytes themselves
  lines.push('Accept-Encoding: identity', 'Connection: close');
  const body = request.body ?? new Uint8Array(0);
  if (body.length > 0 || !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(request.method)) lines.push(`Content-Length: ${body.length}`);
  const head = new TextEncoder().encode(`${lines.join('\r\n')}\r\n\r\n`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: [string, string][];
}

/** What the guest sent is not an HTTP answer, or it ends in the middle of one. */
export class HttpParseError extends Error {
  override name = 'HttpParseError';
}

/** The longest head the parser keeps (a server's headers beyond that are an error). */
export const MAX_HEAD_BYTES = 64 * 1024;

type BodyMode = { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'none' };

/**
 * Parses an HTTP/1.x answer from its bytes as they arrive: `onHead` once (after any 1xx
 * interim answers), `onBody` for each piece of the body (chunked coding removed), then
 * `end()` when the connection closes says whether the body was whole.
 */
export class ResponseParser {
  private buffer: Uint8Array = new Uint8Array(0);
  private head: ResponseHead | null = null;
  private mode: BodyMode | null = null;
  private chunkLeft = -1;
  private finished = false;

  constructor(
    private readonly requestMethod: string,
    private readonly onHead: (head: ResponseHead) => void,
    private readonly onBody: (chunk: Uint8Array) => void,
  ) {}

  /** whether any byte of the answer has arrived */
  get hasBytes(): boolean {
    return this.head !== null || this.buffer.length > 0;
  }

  /** whether the answer's head has been read */
  get started(): boolean {
    return this.head !== null;
  }

  push(bytes: Uint8Array): void {
    if (this.finished || bytes.length === 0) return;
    if (this.mode?.kind === 'close') return this.onBody(bytes);
    this.buffer = this.buffer.length === 0 ? bytes : concat(this.buffer, bytes);
    this.drain();
  }

  /** The connection closed; throws when the answer was cut short. */
  end(): void {
    if (this.finished) return;
    if (!this.head)
      throw new HttpParseError(this.buffer.length === 0 ? 'the server closed the connection without answering' : "the server's answer ends inside its headers");
    if (this.mode?.kind === 'length' && this.mode.left > 0)
      throw new HttpParseError(`the server's answer ends ${this.mode.left} bytes short of its Content-Length`);
    if (this.mode?.kind === 'chunked') throw new HttpParseError("the server's chunked answer ends before its last chunk");
    this.finished = true;
  }

  /** whether the body is complete (by its length or its last chunk) before the connection closes */
  get complete(): boolean {
    return this.finished;
  }

  private drain(): void {
    while (!this.finished && this.buffer.length > 0) {
      if (!this.mode) {
        if (!this.readHead()) return;
        continue;
      }
      if (this.mode.kind === 'length') {
        const take = Math.min(this.mode.left, this.buffer.length);
        if (take > 0) this.onBody(this.buffer.subarray(0, take));
        this.mode.left -= take;
        this.buffer = this.buffer.subarray(take);
        if (this.mode.left === 0) this.finished = true;
      } else if (this.mode.kind === 'chunked') {
        if (!this.readChunk()) return;
      } else if (this.mode.kind === 'close') {
        const rest = this.buffer;
        this.buffer = new Uint8Array(0);
        this.onBody(rest);
      } else {
        this.finished = true;
      }
    }
  }

  /** Reads one head; false when more bytes are needed. */
  private readHead(): boolean {
    const { end, body } = headEnd(this.buffer);
    if (end < 0) {
      if (this.buffer.length > MAX_HEAD_BYTES) throw new HttpParseError("the server's headers are too long");
      if (this.buffer.length >= 5 && !startsWith(this.buffer, HTTP)) throw new HttpParseError('the server did not answer in HTTP');
      return false;
    }
    const text = latin1(this.buffer.subarray(0, end));
    this.buffer = this.buffer.subarray(body);
    const [statusLine, ...lines] = text.split(/\r?\n/);
    const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) throw new HttpParseError('the server did not answer in HTTP');
    const status = Number(m[1]);
    const headers: [string, string][] = [];
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
    // an interim answer (100 Continue, 103 Early Hints): the real one follows
    if (status >= 100 && status < 200 && status !== 101) return true;
    const head = { status, statusText: m[2] ?? '', headers };
    const get = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
    const length = get('content-length');
    if (this.requestMethod === 'HEAD' || status === 204 || status === 304) this.mode = { kind: 'none' };
    else if (/chunked/i.test(get('transfer-encoding') ?? '')) this.mode = { kind: 'chunked' };
    else if (length !== undefined && /^\d+$/.test(length)) this.mode = { kind: 'length', left: Number(length) };
    else this.mode = { kind: 'close' };
    this.head = head;
    this.onHead(head);
    if (this.mode.kind === 'none' || (this.mode.kind === 'length' && this.mode.left === 0)) this.finished = true;
    return true;
  }

  /** Reads a chunk's size line, its data or its trailing CRLF; false when more bytes are needed. */
  private readChunk(): boolean {
    if (this.chunkLeft < 0) {
      const eol = this.buffer.indexOf(LF);
      if (eol < 0) return false;
      const size = parseInt(latin1(this.buffer.subarray(0, eol)).split(';')[0].trim(), 16);
      if (!Number.isFinite(size) || size < 0) throw new HttpParseError("the server's chunked answer is malformed");
      this.buffer = this.buffer.subarray(eol + 1);
      if (size === 0) {
        // the last chunk: trailers, if any, are not kept
        this.finished = true;
        return true;
      }
      this.chunkLeft = size;
    }
    if (this.chunkLeft > 0) {
      const take = Math.min(this.chunkLeft, this.buffer.length);
      if (take === 0) return false;
      this.onBody(this.buffer.subarray(0, take));
      this.chunkLeft -= take;
      this.buffer = this.buffer.subarray(take);
      if (this.chunkLeft > 0) return false;
    }
    // the CRLF (or a bare LF) after a chunk's data
    const eol = this.buffer.indexOf(LF);
    if (eol < 0) return false;
    this.buffer = this.buffer.subarray(eol + 1);
    this.chunkLeft = -1;
    return true;
  }
}

/** Response headers the browser sets itself, or that would describe bytes other than the ones passed on. */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'set-cookie', 'set-cookie2']);

const LOOPBACK = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]']);

/**
 * A redirect's Location (or a Content-Location) as the browser must follow it: an address on
 * the server's own root (`/login`) or on the server itself (`http://localhost:8080/login`)
 * stays under the target's prefix; any other address is left alone.
 */
export function rewriteLocation(value: string, target: { port: number; prefix: string }, siteOrigin: string): string {
  if (value.startsWith('/') && !value.startsWith('//')) return `${siteOrigin}${target.prefix}${value.slice(1)}`;
  const m = /^http:\/\/([^/:?#]+|\[[^\]]+\])(?::(\d+))?(.*)$/i.exec(value);
  if (!m || !LOOPBACK.has(m[1].toLowerCase()) || Number(m[2] ?? 80) !== target.port) return value;
  const rest = m[3].startsWith('/') ? m[3].slice(1) : m[3];
  return `${siteOrigin}${target.prefix}${rest}`;
}

/** The headers the browser gets: connection headers dropped, addresses kept under the prefix. */
export function responseHeaders(head: ResponseHead, target: { port: number; prefix: string }, siteOrigin: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of head.headers) {
    const lower = name.toLowerCase();
    if (DROPPED_RESPONSE_HEADERS.has(lower)) continue;
    out.push([name, lower === 'location' || lower === 'content-location' ? rewriteLocation(value, target, siteOrigin) : value]);
  }
  return out;
}

/** The compression a server applied anyway (Content-Encoding), which the preview undoes; null for none. */
export function contentCoding(head: ResponseHead): 'gzip' | 'deflate' | null {
  const value = head.headers
    .find(([n]) => n.toLowerCase() === 'content-encoding')?.[1]
    .trim()
    .toLowerCase();
  return value === 'gzip' || value === 'x-gzip' ? 'gzip' : value === 'deflate' ? 'deflate' : null;
}

const LF = 10;
const CR = 13;
const HTTP = new TextEncoder().encode('HTTP/');

/**
 * Where a head ends (its empty line) and its body begins; -1 when the empty line has not
 * come yet. Bare LF line ends count too (busybox httpd passes a CGI's own headers on with them).
 */
function headEnd(bytes: Uint8Array): { end: number; body: number } {
  for (let i = bytes.indexOf(LF); i >= 0; i = bytes.indexOf(LF, i + 1)) {
    let j = i + 1;
    if (bytes[j] === CR) j++;
    if (bytes[j] === LF) return { end: i > 0 && bytes[i - 1] === CR ? i - 1 : i, body: j + 1 };
  }
  return { end: -1, body: -1 };
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
