import * as http from 'node:http';
import type { Browser, Page } from 'puppeteer-core';
import { BACKENDS } from '../support/backends';
import {
  createQueueThroughPage,
  describeWithBrowser,
  isHidden,
  launchChromium,
  openTab,
  postThroughPage,
  screenshot,
  shownQueues,
  signIn,
  storedCredentials,
  submitSignIn,
  textOf,
  waitForText,
} from '../support/dashboard-browser';
import { serversOnFreshStore } from '../support/lifecycle';
import { newProjectId, ZaqarClient } from './client';

const HOSTILE_BODY = '<img src=x onerror=alert(1)>';

/** A request sent byte for byte: fetch would resolve `..` before sending it. */
function getRaw(url: string, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(url), { path: rawPath }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

describeWithBrowser('dashboard', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe.each(BACKENDS)('[%s]', (backendName, makeBackend) => {
    const running = serversOnFreshStore(makeBackend);
    let page: Page;
    let trouble: string[];

    beforeEach(async () => {
      ({ page, trouble } = await openTab(browser!));
    });

    afterEach(async () => {
      await page?.close();
      expect(trouble).toEqual([]);
    });

    it('serves the page and its files without credentials, self-only CSP and nosniff', async () => {
      const files: Array<[string, string]> = [
        ['/dashboard', 'text/html; charset=utf-8'],
        ['/dashboard/', 'text/html; charset=utf-8'],
        ['/dashboard/dashboard.js', 'text/javascript; charset=utf-8'],
        ['/dashboard/dashboard.css', 'text/css; charset=utf-8'],
      ];
      for (const [file, contentType] of files) {
        const res = await fetch(`${running.server.url}${file}`);
        expect([file, res.status, res.headers.get('content-type')]).toEqual([file, 200, contentType]);
        expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it('answers 404 for unknown files and for paths that climb out of /dashboard', async () => {
      for (const rawPath of [
        '/dashboard/nope.js',
        '/dashboard/../x',
        '/dashboard/../package.json',
        '/dashboard/%2e%2e/package.json',
        '/dashboard/..%2fsrc%2fmain.ts',
      ]) {
        const res = await getRaw(running.server.url, rawPath);
        expect([rawPath, res.status, JSON.parse(res.body).title]).toEqual([rawPath, 404, '404 Not Found']);
      }
    });

    it('shows the API refusal when used without signing in, and keeps nothing', async () => {
      await submitSignIn(page, running.server.url, {});
      await waitForText(page, '#error', '400 Project-Id Missing: The header X-PROJECT-ID was missing');
      expect(await isHidden(page, '#queues')).toBe(true);
      expect(await storedCredentials(page)).toBeNull();
      // the page's own files needed nothing, the API it calls refuses a caller with no headers
      const bare = await fetch(`${running.server.url}/v2/queues`);
      expect([bare.status, await bare.json()]).toEqual([
        400,
        { title: 'Missing header value', description: 'The "Client-ID" header is required.' },
      ]);
    });

    it("pages the queue list by Zaqar's next links, 20 a page", async () => {
      const api = new ZaqarClient(running.server.url, newProjectId());
      const names = Array.from({ length: 21 }, (_, i) => `q${String(i).padStart(2, '0')}`);
      await Promise.all(names.map((name) => api.createQueue(name)));
      await signIn(page, running.server.url, { projectId: api.project });
      await page.waitForSelector('#queue-table tr[data-queue="q19"]');
      expect(await shownQueues(page)).toEqual(names.slice(0, 20));
      await page.locator('#queues > nav button:nth-of-type(2)').click();
      await page.waitForSelector('#queue-table tr[data-queue="q20"]');
      expect(await shownQueues(page)).toEqual(['q20']);
      await page.locator('#queues > nav button:nth-of-type(1)').click();
      await page.waitForSelector('#queue-table tr[data-queue="q00"]');
      expect(await shownQueues(page)).toHaveLength(20);
    });

    it('creates a queue, posts, lists, claims and deletes a message through the page', async () => {
      const api = new ZaqarClient(running.server.url, newProjectId());
      const queueRow = '#queue-table tr[data-queue="orders"]';
      await signIn(page, running.server.url, { projectId: api.project });
      await createQueueThroughPage(page, 'orders');
      expect((await api.get('/v2/queues/orders')).status).toBe(200);

      await postThroughPage(page, '{"order": 42}', '300');
      await waitForText(page, `${queueRow} td.depth`, '1');
      const posted = (await api.get('/v2/queues/orders/messages', { query: { echo: true } })).body.messages;
      expect(posted).toEqual([expect.objectContaining({ body: { order: 42 }, ttl: 300 })]);
      const orderRow = `#message-table tr[data-message="${posted[0].id}"]`;
      // the page fills the queue list before the messages view: wait for each
      await page.waitForSelector(orderRow);
      expect(JSON.parse(await textOf(page, `${orderRow} td.body`))).toEqual({ order: 42 });

      await postThroughPage(page, JSON.stringify(HOSTILE_BODY), '600');
      await waitForText(page, `${queueRow} td.depth`, '2');
      await page.waitForFunction("document.querySelectorAll('#message-table tr[data-message]').length === 2");
      const bodies = await page.$$eval('#message-table td.body', (cells) => cells.map((c) => c.textContent));
      expect(bodies).toContain(JSON.stringify(HOSTILE_BODY));
      expect(await page.$$('main img')).toHaveLength(0);

      await page.locator('#claim-form [name=limit]').fill('1');
      await page.locator('#claim-form button').click();
      await page.locator('#claim-result li').wait();
      const claimId = await textOf(page, '#claim-result .claim-id');
      expect(await page.$$eval('#claim-result li', (items) => items.map((li) => li.textContent))).toEqual([
        posted[0].id,
      ]);
      await waitForText(page, `${queueRow} td.claimed`, '1');
      await waitForText(page, `${orderRow} td.claim`, claimId);
      expect((await api.get(`/v2/queues/orders/claims/${claimId}`)).status).toBe(200);

      await screenshot(page, `dashboard-${backendName}`);

      // the claimed message's Delete sends its claim id, without which Zaqar refuses with 403
      await page.locator(`${orderRow} td.actions button`).click();
      await waitForText(page, '#notice', 'Message deleted.');
      await waitForText(page, `${queueRow} td.depth`, '1');
      await page.waitForSelector(orderRow, { hidden: true });
      expect((await api.get(`/v2/queues/orders/messages/${posted[0].id}`)).status).toBe(404);
    });
  });
});
