/**
 * The preview (issue 38): a server started in the guest's terminal opened under
 * /preview/<port>/ in a second tab of the same browser, through the real service worker, the
 * page and the agent; a port nothing listens on gives a page that says so.
 */
import { describe, expect, inject, it } from 'vitest';
import { openReady, typeLine, waitForText } from './browser';
import { useBrowser } from './use-browser';

const browser = useBrowser();

describe('preview', () => {
  it('opens nginx started in the terminal under /preview/8080/ in a second tab, offline too; a closed port says so; the Ports list links it', async () => {
    const base = inject('baseUrl');
    const context = await browser().newContext();
    try {
      const page = await openReady(context, `${base}?lang=en`);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await typeLine(page, 'docker run -d -p 8080:80 nginx:1.26 >/dev/null; echo started-$?');
      await waitForText(page, /^started-0$/m, 300_000);

      const second = await context.newPage();
      // the container's nginx takes a moment to listen: until then docker-proxy closes the connection, which the preview says
      const first = await second.goto(`${base}preview/8080/`);
      if (first?.status() !== 200) expect(await second.locator('#labbox-preview-says').innerText()).toMatch(/closed the connection without answering/);
      let status = first?.status();
      for (const deadline = Date.now() + 60_000; status !== 200 && Date.now() < deadline;) {
        await second.waitForTimeout(1000);
        status = (await second.goto(`${base}preview/8080/`))?.status();
      }
      expect(status, await second.locator('body').innerText()).toBe(200);
      expect(await second.locator('h1').innerText()).toBe('Welcome to nginx!');
      // a path of the server, its headers passed on, a 404 of the server's own
      const missing = await second.goto(`${base}preview/8080/no-such-page`);
      expect(missing?.status()).toBe(404);
      expect(await missing?.headerValue('server')).toMatch(/nginx/);
      // without the slash: redirected to it
      await second.goto(`${base}preview/8080`);
      expect(new URL(second.url()).pathname).toBe('/preview/8080/');

      const closed = await second.goto(`${base}preview/8081/`, { timeout: 60_000 });
      expect(closed?.status()).toBe(502);
      expect(await second.locator('#labbox-preview-says').innerText()).toMatch(/Nothing listens on port 8081 of the machine/);

      // a POST echoed by a small server in a container comes back intact: 200 000 bytes, more than one exec's
      // argument carries, so the body goes in as a file first
      await typeLine(
        page,
        'clear; docker run -d -p 8090:80 busybox:1.37 sh -c \'mkdir -p /www/cgi-bin; printf "#!/bin/sh\\necho Content-Type: application/octet-stream\\necho\\ncat\\n" > /www/cgi-bin/echo; ' +
          "chmod +x /www/cgi-bin/echo; exec httpd -f -p 80 -h /www' >/dev/null; echo echo-$?",
      );
      await waitForText(page, /^echo-0$/m, 300_000);
      const echo = () =>
        second.evaluate(async () => {
          const body = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7 + (i >> 9)) & 255);
          const r = await fetch('/preview/8090/cgi-bin/echo', { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } });
          const back = new Uint8Array(await r.arrayBuffer());
          const same = back.length === body.length && back.every((b, i) => b === body[i]);
          return { status: r.status, same, ...(same ? {} : { said: new TextDecoder().decode(back.slice(0, 600)) }) };
        });
      await expect.poll(echo, { timeout: 60_000, interval: 1000 }).toEqual({ status: 200, same: true });

      await page.click('#ports-button');
      const link = page.locator('#ports a[data-port="8080"]');
      await expect.poll(() => link.count(), { timeout: 60_000 }).toBe(1);
      expect(await link.getAttribute('href')).toBe(`${base}preview/8080/`);
      expect(await page.locator('#ports').innerText()).toMatch(/8080 docker-proxy/);
      expect(await page.locator('#ports a[data-port="8090"]').count()).toBe(1);

      // with the network cut, the preview still answers: nothing of it goes past the service worker
      await context.setOffline(true);
      expect((await second.goto(`${base}preview/8080/`))?.status()).toBe(200);
      expect(await second.locator('h1').innerText()).toBe('Welcome to nginx!');
      await context.setOffline(false);
    } finally {
      await context.close();
    }
  });

  it("reaches a cluster node's port under /preview/<node>/<port>/, and says which node has nothing there or is not running", async () => {
    const base = inject('baseUrl');
    const context = await browser().newContext();
    try {
      const page = await openReady(context, `${base}?lab=swarm-cluster&lang=en`);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await page.locator('#lab .cluster-start button').click();
      await page.waitForSelector('#cluster .cluster-node[data-node="node2"]', { timeout: 480_000 });
      await waitForText(page, /root@node2:\S*#/, 120_000); // node2's first shell opens in front
      await typeLine(page, 'docker run -d -p 8082:80 nginx:1.26 >/dev/null; echo started-$?');
      await waitForText(page, /^started-0$/m, 300_000);

      const second = await context.newPage();
      let status: number | undefined;
      for (const deadline = Date.now() + 90_000; status !== 200 && Date.now() < deadline;) {
        status = (await second.goto(`${base}preview/node2/8082/`))?.status();
        if (status !== 200) await second.waitForTimeout(1000);
      }
      expect(status, await second.locator('body').innerText()).toBe(200);
      expect(await second.locator('h1').innerText()).toBe('Welcome to nginx!');
      // node1 has nothing on that port: the preview says so, naming node1
      expect((await second.goto(`${base}preview/node1/8082/`))?.status()).toBe(502);
      expect(await second.locator('#labbox-preview-says').innerText()).toMatch(/Nothing listens on port 8082 of node1/);
      expect((await second.goto(`${base}preview/node3/8082/`))?.status()).toBe(503);
      expect(await second.locator('#labbox-preview-says').innerText()).toMatch(/node3 is not running/);
      // the Ports list names each node, node2's port a link to its preview
      await page.click('#ports-button');
      const link = page.locator('#ports ul[data-node="node2"] a[data-port="8082"]');
      await expect.poll(() => link.count(), { timeout: 60_000 }).toBe(1);
      expect(await link.getAttribute('href')).toBe(`${base}preview/node2/8082/`);
      expect(await page.locator('#ports h3').allInnerTexts()).toEqual(['node1', 'node2']);
    } finally {
      await context.close();
    }
  });
});
