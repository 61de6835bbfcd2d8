/**
 * The service worker's side of the preview: a request under /preview/<port>/ (or
 * /preview/<node>/<port>/) is handed to a page of the site that runs the machine, whose
 * emulator worker relays it to the guest's port (relay.ts); the answer's bytes come back on a
 * MessagePort and are parsed into the Response the browser gets, its body streamed as it
 * arrives. A port nothing listens on, a machine not running, a server that does not answer
 * in HTTP: each is a short page saying so, never a hang.
 */
/// <reference lib="WebWorker" />
import { stringsFor, type Language } from '../i18n';
import { contentCoding, encodeRequest, parsePreviewPath, PREVIEW_FOLDER, responseHeaders, ResponseParser, type PreviewTarget } from './http';
import { PREVIEW_ASK, type PreviewAnswer, type PreviewAsk, type StreamMessage } from './messages';
import { CLOSED_PORT_EXIT, MAX_REQUEST_BYTES } from './relay';

declare const self: ServiceWorkerGlobalScope;

/** How long a page has to take or refuse a request before the next page is asked. */
const PAGE_ANSWER_MS = 3000;

/** The Response for a fetch under the preview folder; null for any other request. */
export function previewResponse(event: FetchEvent, root: string): Promise<Response> | null {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return null;
  const target = parsePreviewPath(url.pathname, url.search, root) ?? fromPreviewPage(event, url, root);
  if (!target) {
    if (url.pathname.startsWith(`${root}${PREVIEW_FOLDER}`)) return Promise.resolve(explain('en', 404, (w) => w.preview.badAddress));
    return null;
  }
  // `/preview/8080` to `/preview/8080/`: relative links then resolve under the port
  if (target.path === '') return Promise.resolve(Response.redirect(`${url.origin}${target.prefix}${url.search}`, 301));
  return relay(event.request, target, url.origin, root);
}

/**
 * A page opened under /preview/<port>/ asks for an address on the site's root (`/style.css`,
 * a link to `/about`): the app meant its own root, so it goes to the same port.
 */
function fromPreviewPage(event: FetchEvent, url: URL, root: string): PreviewTarget | null {
  const referrer = event.request.referrer;
  if (!referrer.startsWith(`${url.origin}${root}${PREVIEW_FOLDER}`)) return null;
  const from = parsePreviewPath(new URL(referrer).pathname, '', root);
  if (!from) return null;
  const path = url.pathname.slice(root.length - 1);
  return { ...from, path: `${path}${url.search}` };
}

async function relay(request: Request, target: PreviewTarget, siteOrigin: string, root: string): Promise<Response> {
  const lang = workerLanguage();
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(await request.arrayBuffer());
  if (body && body.length > MAX_REQUEST_BYTES) return explain(lang, 413, (w) => w.preview.tooBig(MAX_REQUEST_BYTES));
  const bytes = encodeRequest({
    method: request.method,
    path: target.path,
    port: target.port,
    headers: headerList(request.headers),
    body,
    siteOrigin,
    prefix: target.prefix,
  });
  const ask: PreviewAsk = { type: PREVIEW_ASK, node: target.node, port: target.port, request: bytes, changes: !!body };
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  let said = lang;
  let nodeMissing = false;
  for (const page of pages) {
    // a preview's own tabs run no machine
    if (new URL(page.url).pathname.startsWith(`${root}${PREVIEW_FOLDER}`)) continue;
    const channel = new MessageChannel();
    const answer = waitAnswer(channel.port1);
    page.postMessage({ ...ask, request: bytes.slice() }, [channel.port2]);
    const got = await answer;
    if (!got) continue;
    said = got.lang;
    if (got.type === 'accepted') return readAnswer(channel.port1, request.method, target, siteOrigin, got.lang);
    channel.port1.close();
    if (got.node) nodeMissing = true;
  }
  return nodeMissing && target.node ? explain(said, 503, (w) => w.preview.noNode(target.node!)) : explain(said, 503, (w) => w.preview.noMachine);
}

/** The page's answer to an ask; null when it says nothing in time (not a LabBox page, or a busy one). */
function waitAnswer(port: MessagePort): Promise<PreviewAnswer | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), PAGE_ANSWER_MS);
    port.onmessage = (event: MessageEvent<PreviewAnswer>) => {
      clearTimeout(timer);
      resolve(event.data);
    };
  });
}

/** Parses the relay's output into a Response, resolved once the server's head is read. */
function readAnswer(port: MessagePort, method: string, target: PreviewTarget, siteOrigin: string, lang: Language): Promise<Response> {
  return new Promise<Response>((resolve) => {
    let body: ReadableStreamDefaultController<Uint8Array> | null = null;
    const parser = new ResponseParser(
      method,
      (head) => {
        const stream = new ReadableStream<Uint8Array>({
          start: (controller) => void (body = controller),
          // the browser no longer wants the body (the tab closed): the relay stops in the guest
          cancel: () => port.postMessage('stop'),
        });
        const coding = contentCoding(head);
        const headers = responseHeaders(head, target, siteOrigin).filter(([n]) => !coding || n.toLowerCase() !== 'content-encoding');
        const noBody = method === 'HEAD' || head.status === 204 || head.status === 304;
        resolve(
          new Response(
            noBody ? null : coding ? stream.pipeThrough(new DecompressionStream(coding) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>) : stream,
            {
              // a Response holds 200-599; an upgrade (101, WebSocket) is not carried
              status: head.status >= 200 && head.status <= 599 ? head.status : 502,
              statusText: head.statusText,
              headers,
            },
          ),
        );
      },
      (chunk) => body?.enqueue(chunk.slice()),
    );
    const fail = (status: number, text: (w: ReturnType<typeof stringsFor>) => string) => {
      if (parser.started) body?.error(new Error(text(stringsFor(lang))));
      else resolve(explain(lang, status, text));
    };
    port.onmessage = (event: MessageEvent<StreamMessage>) => {
      const m = event.data;
      try {
        if (m.type === 'data') parser.push(m.chunk);
        else if (m.type === 'error') fail(504, (w) => w.preview.failed(target.port, m.message));
        else if (m.exitCode === CLOSED_PORT_EXIT && !parser.started) fail(502, (w) => w.preview.closed(target.port, target.node));
        else if (m.exitCode !== 0 && !parser.started) fail(502, (w) => w.preview.failed(target.port, m.stderr.trim() || `exit ${m.exitCode}`));
        // docker-proxy takes the connection, then closes it when the container's server is not up yet
        else if (!parser.started && !parser.hasBytes) fail(502, (w) => w.preview.noAnswer(target.port));
        else {
          parser.end();
          body?.close();
        }
      } catch (error) {
        fail(502, (w) => w.preview.notHttp(target.port, error instanceof Error ? error.message : String(error)));
      }
      if (m.type !== 'data') port.close();
    };
  });
}

function headerList(headers: Headers): [string, string][] {
  const list: [string, string][] = [];
  headers.forEach((value, name) => list.push([name, value]));
  return list;
}

/** The language of a page the service worker writes itself, before any page has said its own. */
function workerLanguage(): Language {
  return self.navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** A short page of the site's own that says what happened, in the page's language. */
function explain(lang: Language, status: number, text: (w: ReturnType<typeof stringsFor>) => string): Response {
  const words = stringsFor(lang);
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html =
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escape(words.preview.title)}</title>` +
    `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}</style></head>` +
    `<body><h1>${escape(words.preview.title)}</h1><p id="labbox-preview-says">${escape(text(words))}</p><p>${escape(words.preview.howTo)}</p></body></html>`;
  return new Response(html, { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } });
}

/** Listens for previews: to be called before any other fetch listener (Workbox's). */
export function servePreviews(root: string): void {
  self.addEventListener('fetch', (event) => {
    const response = previewResponse(event, root);
    if (!response) return;
    // Workbox's routes (the app's page for any navigation, the precache) do not see it
    event.stopImmediatePropagation();
    event.respondWith(response);
  });
}

/** Workbox's navigation fallback (the app's page for every address) leaves the preview folder alone. */
export function previewDenylist(root: string): RegExp {
  return new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${PREVIEW_FOLDER}`);
}
