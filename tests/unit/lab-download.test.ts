import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchLabText, MAX_LAB_BYTES } from '../../src/labs/load';

/** A loopback server with the ways a lab's address can go wrong. */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/lab.md') return res.end('---\nid: x\ntitle: X\nlang: en\n---\n');
    if (req.url === '/huge-declared') {
      res.writeHead(200, { 'content-length': String(10 * 2 ** 20) });
      return res.write(new Uint8Array(1024));
    }
    if (req.url === '/huge') {
      // 10 MiB in chunks, with no length said beforehand
      let sent = 0;
      const more = () => {
        while (sent < 10 * 2 ** 20) {
          sent += 64 * 1024;
          if (!res.write(new Uint8Array(64 * 1024))) return void res.once('drain', more);
        }
        res.end();
      };
      return more();
    }
    if (req.url === '/silent') return; // never answers
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("a lab's download", () => {
  it('reads a lab', async () => {
    expect(await fetchLabText(`${base}/lab.md`, 5_000)).toMatch(/^---\nid: x/);
  });

  it('refuses 10 MiB, said beforehand or not, without reading it all', async () => {
    const message = `larger than a lab can be (${MAX_LAB_BYTES / 2 ** 20} MiB at most)`;
    await expect(fetchLabText(`${base}/huge-declared`, 5_000)).rejects.toThrow(message);
    await expect(fetchLabText(`${base}/huge`, 5_000)).rejects.toThrow(message);
  });

  it('says which status the server answered, and when it does not answer', async () => {
    await expect(fetchLabText(`${base}/nothing-here.md`, 5_000)).rejects.toThrow(/answered HTTP 404/);
    await expect(fetchLabText(`${base}/silent`, 300)).rejects.toThrow(/did not answer within 0.3 s/);
  });
});
