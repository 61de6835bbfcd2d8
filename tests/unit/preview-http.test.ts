/** The preview's HTTP codec, addresses and relay command (src/preview/), and the guest file pieces (src/files/). */
import { describe, expect, it } from 'vitest';
import {
  encodeRequest,
  parsePreviewPath,
  ResponseParser,
  responseHeaders,
  rewriteLocation,
  HttpParseError,
  contentCoding,
  type ResponseHead,
} from '../../src/preview/http';
import { CLOSED_PORT_EXIT, relayCommand } from '../../src/preview/relay';
import { parseListening } from '../../src/preview/ports';
import { parseGuestRequest } from '../../src/files/guest-requests';
import { languageName } from '../../src/editor/languages';
import { CHUNK_BYTES, fromBase64, shellQuote, toBase64, writeGuestFile, readGuestFile, ChangedMeanwhileError } from '../../src/files/guest-files';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

/** Feeds `input` to a parser in pieces of `size` bytes; returns the head and the body. */
function parse(input: string | Uint8Array, size = 3, method = 'GET'): { head: ResponseHead | null; body: string } {
  let head: ResponseHead | null = null;
  const parts: Uint8Array[] = [];
  const parser = new ResponseParser(
    method,
    (h) => (head = h),
    (c) => parts.push(c.slice()),
  );
  const all = typeof input === 'string' ? bytes(input) : input;
  for (let i = 0; i < all.length; i += size) parser.push(all.subarray(i, i + size));
  parser.end();
  return { head, body: parts.map(text).join('') };
}

describe('preview addresses', () => {
  it('reads a port, a node and the path, with the query', () => {
    expect(parsePreviewPath('/preview/8080/', '', '/')).toEqual({ port: 8080, path: '/', prefix: '/preview/8080/', node: undefined });
    expect(parsePreviewPath('/preview/8080/a/b.css', '?v=1', '/')).toMatchObject({ port: 8080, path: '/a/b.css?v=1' });
    expect(parsePreviewPath('/site/preview/node2/80/x', '', '/site/')).toEqual({ node: 'node2', port: 80, path: '/x', prefix: '/site/preview/node2/80/' });
    expect(parsePreviewPath('/preview/8080', '', '/')).toMatchObject({ port: 8080, path: '' });
  });

  it('refuses what is not a port', () => {
    for (const p of ['/preview/', '/preview/abc/', '/preview/0/', '/preview/70000/', '/preview/node2/', '/other/8080/'])
      expect(parsePreviewPath(p, '', '/')).toBeNull();
  });

  it('keeps redirects under the prefix, leaves other sites alone', () => {
    const target = { port: 8080, prefix: '/preview/8080/' };
    expect(rewriteLocation('/login?next=/', target, 'https://lab.example')).toBe('https://lab.example/preview/8080/login?next=/');
    expect(rewriteLocation('http://localhost:8080/a', target, 'https://lab.example')).toBe('https://lab.example/preview/8080/a');
    expect(rewriteLocation('http://127.0.0.1:8080', target, 'https://lab.example')).toBe('https://lab.example/preview/8080/');
    expect(rewriteLocation('http://localhost:9090/a', target, 'https://lab.example')).toBe('http://localhost:9090/a');
    expect(rewriteLocation('https://example.org/', target, 'https://lab.example')).toBe('https://example.org/');
    expect(rewriteLocation('next.html', target, 'https://lab.example')).toBe('next.html');
    expect(rewriteLocation('//cdn.example/x', target, 'https://lab.example')).toBe('//cdn.example/x');
  });
});

describe('preview request', () => {
  const base = { port: 8080, siteOrigin: 'https://lab.example', prefix: '/preview/8080/' };

  it('writes an HTTP/1.1 request on its own connection, without compression, with the server as its host', () => {
    const request = text(
      encodeRequest({
        ...base,
        method: 'GET',
        path: '/index.html?x=1',
        headers: [
          ['Accept', 'text/html'],
          ['Connection', 'keep-alive'],
          ['Accept-Encoding', 'gzip'],
          ['Host', 'lab.example'],
          ['Referer', 'https://lab.example/preview/8080/a/b'],
          ['Origin', 'https://lab.example'],
        ],
      }),
    );
    expect(request).toBe(
      'GET /index.html?x=1 HTTP/1.1\r\nHost: localhost:8080\r\nAccept: text/html\r\nReferer: http://localhost:8080/a/b\r\nOrigin: http://localhost:8080\r\n' +
        'Accept-Encoding: identity\r\nConnection: close\r\n\r\n',
    );
  });

  it('carries a body byte for byte with its length', () => {
    const body = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const request = encodeRequest({
      ...base,
      method: 'POST',
      path: '/echo',
      headers: [
        ['Content-Type', 'application/octet-stream'],
        ['Content-Length', '1'],
      ],
      body,
    });
    const head = text(request.subarray(0, request.length - body.length));
    expect(head).toMatch(/^POST \/echo HTTP\/1\.1\r\n/);
    expect(head).toMatch(/\r\nContent-Length: 300\r\n\r\n$/);
    expect(head.match(/Content-Length/g)).toHaveLength(1);
    expect(request.subarray(request.length - body.length)).toEqual(body);
  });

  it('an empty POST says its length is 0', () => {
    expect(text(encodeRequest({ ...base, method: 'POST', path: '/', headers: [] }))).toMatch(/Content-Length: 0\r\n\r\n$/);
  });
});

describe('preview response', () => {
  it('reads a body by its length, in any pieces', () => {
    for (const size of [1, 3, 1000]) {
      const { head, body } = parse('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello', size);
      expect(head).toEqual({
        status: 200,
        statusText: 'OK',
        headers: [
          ['Content-Type', 'text/html'],
          ['Content-Length', '5'],
        ],
      });
      expect(body).toBe('hello');
    }
  });

  it('removes the chunked coding, extensions and trailers', () => {
    const { body } = parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n', 2);
    expect(body).toBe('hello, world');
  });

  it("takes bare LF line ends, as busybox httpd sends a CGI's headers", () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Type: text/plain\n\nechoed', 4)).toEqual({
      head: { status: 200, statusText: 'OK', headers: [['Content-Type', 'text/plain']] },
      body: 'echoed',
    });
    expect(parse('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n', 2).body).toBe('abc');
  });

  it('reads a body up to the close when it has no length', () => {
    expect(parse('HTTP/1.0 200 OK\r\nServer: SimpleHTTP\r\n\r\nall of it\nuntil the end', 4).body).toBe('all of it\nuntil the end');
  });

  it('skips interim answers, and has no body for HEAD, 204 and 304', () => {
    expect(parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok').head?.status).toBe(201);
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 615\r\n\r\n', 5, 'HEAD')).toMatchObject({ body: '' });
    expect(parse('HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n').head?.status).toBe(304);
  });

  it('keeps binary bodies intact', () => {
    const payload = Uint8Array.from({ length: 256 }, (_, i) => i);
    const all = new Uint8Array([...bytes('HTTP/1.1 200 OK\r\nContent-Length: 256\r\n\r\n'), ...payload]);
    const parts: Uint8Array[] = [];
    const parser = new ResponseParser(
      'GET',
      () => {},
      (c) => parts.push(c.slice()),
    );
    parser.push(all.subarray(0, 50));
    parser.push(all.subarray(50));
    parser.end();
    expect(new Uint8Array(parts.flatMap((p) => [...p]))).toEqual(payload);
  });

  it('says when the answer is not HTTP or is cut short', () => {
    expect(() => parse('SSH-2.0-OpenSSH_9.2\r\n')).toThrow(HttpParseError);
    expect(() => parse('')).toThrow(/without answering/);
    expect(() => parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort')).toThrow(/5 bytes short/);
    expect(() => parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel')).toThrow(/last chunk/);
  });

  it('drops connection headers and cookies, keeps redirects under the prefix, notes a compression', () => {
    const head: ResponseHead = {
      status: 302,
      statusText: 'Found',
      headers: [
        ['Location', '/next'],
        ['Connection', 'close'],
        ['Content-Length', '0'],
        ['Set-Cookie', 'a=1'],
        ['X-Kept', 'yes'],
        ['Content-Encoding', 'gzip'],
      ],
    };
    expect(responseHeaders(head, { port: 80, prefix: '/preview/80/' }, 'http://127.0.0.1:4173')).toEqual([
      ['Location', 'http://127.0.0.1:4173/preview/80/next'],
      ['X-Kept', 'yes'],
      ['Content-Encoding', 'gzip'],
    ]);
    expect(contentCoding(head)).toBe('gzip');
  });
});

describe('relay command', () => {
  it('connects to the port on the loopback, sends the request, streams the answer', () => {
    const command = relayCommand(8080, { bytes: bytes('GET / HTTP/1.1\r\n\r\n') });
    expect(command).toBe(
      `exec bash -c '{ exec 3<>/dev/tcp/127.0.0.1/8080; } 2>/dev/null || exit ${CLOSED_PORT_EXIT}; { printf %s R0VUIC8gSFRUUC8xLjENCg0K | base64 -d >&3; } & cat <&3'`,
    );
    expect(relayCommand(80, { file: '/tmp/.labbox-preview-1' })).toContain('{ cat /tmp/.labbox-preview-1 >&3; rm -f /tmp/.labbox-preview-1; } & cat <&3');
  });

  it('refuses a port or a file name it cannot put in the command', () => {
    expect(() => relayCommand(0, { bytes: new Uint8Array() })).toThrow(RangeError);
    expect(() => relayCommand(80, { file: "/tmp/x'; reboot" })).toThrow(RangeError);
  });

  it("stays under the kernel's 128 KiB for one argument with a whole piece", () => {
    expect(relayCommand(65535, { bytes: new Uint8Array(CHUNK_BYTES) }).length).toBeLessThan(128 * 1024);
  });
});

describe('listening ports', () => {
  it('lists the ports the relay reaches once each, with their programs', () => {
    const ss = [
      'LISTEN 0      4096       127.0.0.1:33493      0.0.0.0:*    users:(("containerd",pid=149,fd=9))',
      'LISTEN 0      4096         0.0.0.0:8080       0.0.0.0:*    users:(("docker-proxy",pid=452,fd=4))',
      'LISTEN 0      4096               *:8080             *:*    users:(("docker-proxy",pid=456,fd=4))',
      'LISTEN 0      4096               *:5000             *:*    users:(("docker-registry",pid=151,fd=3))',
      'LISTEN 0      128       172.17.0.1:9000       0.0.0.0:*    users:(("nc",pid=9,fd=3))',
      'LISTEN 0      128            [::]:22               [::]:*',
    ].join('\n');
    expect(parseListening(ss)).toEqual([
      { port: 22, program: '' },
      { port: 5000, program: 'docker-registry' },
      { port: 8080, program: 'docker-proxy' },
      { port: 33493, program: 'containerd' },
    ]);
  });
});

describe('guest files', () => {
  it('quotes any name for the shell and round-trips base64', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const all = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff);
    expect(fromBase64(toBase64(all))).toEqual(all);
  });

  /** A guest of one folder: runs the commands writeGuestFile and readGuestFile send, on a Map. */
  function fakeGuest() {
    const files = new Map<string, Uint8Array>();
    const commands: string[] = [];
    const exec = async (command: string) => {
      commands.push(command);
      let m = /^printf %s (\S+) \| base64 -d (>>?) '([^']+)'$/.exec(command);
      if (m) {
        const piece = m[1] === "''" ? new Uint8Array() : fromBase64(m[1]);
        const before = m[2] === '>>' ? (files.get(m[3]) ?? new Uint8Array()) : new Uint8Array();
        files.set(m[3], new Uint8Array([...before, ...piece]));
        return { stdout: '', stderr: '', exitCode: 0 };
      }
      m = /sha256sum < '([^']+)'.*= (\w+) \]/.exec(command);
      if (m && m[2] !== 'current') return { stdout: '', stderr: '', exitCode: 3 };
      m = /(?:mv -f|cat) '([^']+)' >? ?'([^']+)'/.exec(command);
      if (m) {
        files.set(m[2], files.get(m[1])!);
        files.delete(m[1]);
        return { stdout: '', stderr: '', exitCode: 0 };
      }
      m = /base64 -w0 '([^']+)'$/.exec(command);
      if (m) return files.has(m[1]) ? { stdout: toBase64(files.get(m[1])!), stderr: '', exitCode: 0 } : { stdout: '', stderr: '', exitCode: 4 };
      return { stdout: '', stderr: '', exitCode: 0 };
    };
    return { files, commands, exec };
  }

  it('writes a file in pieces under the argument limit, then puts it in place', async () => {
    const guest = fakeGuest();
    const data = Uint8Array.from({ length: CHUNK_BYTES * 2 + 10 }, (_, i) => i & 0xff);
    const progress: number[] = [];
    await writeGuestFile(guest.exec, '/root/uploads/a b.bin', data, { onProgress: (n) => progress.push(n) });
    expect(guest.files.get('/root/uploads/a b.bin')).toEqual(data);
    expect(progress).toEqual([CHUNK_BYTES, CHUNK_BYTES * 2, data.length]);
    expect(Math.max(...guest.commands.map((c) => c.length))).toBeLessThan(128 * 1024);
    expect(await readGuestFile(guest.exec, '/root/uploads/a b.bin', 1 << 20)).toMatchObject({ bytes: data });
    expect(await readGuestFile(guest.exec, '/nothing', 1 << 20)).toBeNull();
  });

  it('does not overwrite a file changed in the guest since it was read', async () => {
    const guest = fakeGuest();
    await expect(writeGuestFile(guest.exec, '/root/Dockerfile', bytes('FROM nginx\n'), { expectSha256: 'abc', inPlace: true })).rejects.toBeInstanceOf(
      ChangedMeanwhileError,
    );
    expect(guest.commands.at(-1)).toMatch(/rm -f '\/root\/\.Dockerfile\.labbox-part'; exit 3/);
  });
});

describe('guest requests and the editor language', () => {
  const osc = (kind: string, path: string) => `${kind};${toBase64(new TextEncoder().encode(path))}`;

  it('reads what labbox-edit and labbox-download print', () => {
    expect(parseGuestRequest(osc('edit', '/root/compose.yaml'))).toEqual({ kind: 'edit', path: '/root/compose.yaml' });
    expect(parseGuestRequest(osc('download', '/root/mon site'))).toEqual({ kind: 'download', path: '/root/mon site' });
  });

  it('ignores anything else', () => {
    for (const bad of [osc('run', '/x'), osc('edit', 'relative'), 'edit;not base64!', 'edit;', '', `edit;${btoa('\xff\xfe')}`])
      expect(parseGuestRequest(bad)).toBeNull();
  });

  it("picks the language from the name or a script's first line", () => {
    expect(languageName('/root/Dockerfile')).toBe('dockerfile');
    expect(languageName('/root/app/Dockerfile.dev')).toBe('dockerfile');
    expect(languageName('/root/web.dockerfile')).toBe('dockerfile');
    expect(languageName('/root/compose.yaml')).toBe('yaml');
    expect(languageName('/root/k8s/pod.yml')).toBe('yaml');
    expect(languageName('/etc/docker/daemon.json')).toBe('json');
    expect(languageName('/root/solution.sh')).toBe('shell');
    expect(languageName('/usr/local/bin/labbox-edit', '#!/bin/sh')).toBe('shell');
    expect(languageName('/root/notes.txt')).toBe('text');
  });
});
