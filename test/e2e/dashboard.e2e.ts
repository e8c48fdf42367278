import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import puppeteer, { Browser, Page } from 'puppeteer-core';
import { BACKENDS } from '../support/backends';
import { serversOnFreshStore } from '../support/lifecycle';
import { newProjectId, ZaqarClient } from './client';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(__dirname, '../../test-output');
const HOSTILE_BODY = '<img src=x onerror=alert(1)>';

// Without a browser the suite is skipped on a developer's machine; in CI it runs and fails.
const describeWithBrowser = fs.existsSync(CHROMIUM) || process.env.CI === 'true' ? describe : describe.skip;

function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  // Chromium refuses to start its sandbox as root (as CI runs)
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args });
}

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

const textOf = (page: Page, selector: string) => page.$eval(selector, (node) => node.textContent ?? '');

function waitForText(page: Page, selector: string, expected: string): Promise<unknown> {
  return page.waitForFunction(
    (sel, text) => document.querySelector(sel)?.textContent?.trim() === text,
    {},
    selector,
    expected,
  );
}

async function signIn(page: Page, url: string, projectId: string): Promise<void> {
  await page.goto(`${url}/dashboard`);
  await page.locator('#sign-in-form [name=projectId]').fill(projectId);
  await page.locator('#sign-in-form button').click();
  await page.locator('#queues').wait();
}

async function postThroughPage(page: Page, body: string, ttl: string): Promise<void> {
  await page.locator('#post-form [name=body]').fill(body);
  await page.locator('#post-form [name=ttl]').fill(ttl);
  await page.locator('#post-form button').click();
  await waitForText(page, '#notice', 'Message posted.');
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
    /** Script errors, console errors (a CSP violation is one) and alert() calls: a working page has none. */
    let trouble: string[];

    beforeEach(async () => {
      page = await browser!.newPage();
      page.setDefaultTimeout(10_000);
      await page.setViewport({ width: 1280, height: 800 });
      trouble = [];
      page.on('pageerror', (error) => trouble.push(`page error: ${(error as Error).message}`));
      page.on('console', (message) => {
        // the browser logs each refused API call; the page shows those itself
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
          trouble.push(`console: ${message.text()}`);
        }
      });
      page.on('dialog', (dialog) => {
        trouble.push(`dialog: ${dialog.message()}`);
        return dialog.dismiss();
      });
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
      await page.goto(`${running.server.url}/dashboard`);
      await page.locator('#sign-in-form button').click();
      await waitForText(page, '#error', '400 Project-Id Missing: The header X-PROJECT-ID was missing');
      expect(await page.$eval('#queues', (node) => (node as HTMLElement).hidden)).toBe(true);
      expect(await page.evaluate(() => sessionStorage.getItem('zaqar-dashboard.credentials'))).toBeNull();
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
      await signIn(page, running.server.url, api.project);
      const shown = () => page.$$eval('#queue-table tr[data-queue]', (rows) => rows.map((r) => r.dataset.queue));
      await page.waitForSelector('#queue-table tr[data-queue="q19"]');
      expect(await shown()).toEqual(names.slice(0, 20));
      await page.locator('#queues > nav button:nth-of-type(2)').click();
      await page.waitForSelector('#queue-table tr[data-queue="q20"]');
      expect(await shown()).toEqual(['q20']);
      await page.locator('#queues > nav button:nth-of-type(1)').click();
      await page.waitForSelector('#queue-table tr[data-queue="q00"]');
      expect(await shown()).toHaveLength(20);
    });

    it('creates a queue, posts, lists, claims and deletes a message through the page', async () => {
      const api = new ZaqarClient(running.server.url, newProjectId());
      const queueRow = '#queue-table tr[data-queue="orders"]';
      await signIn(page, running.server.url, api.project);
      await page.locator('#create-queue-form [name=name]').fill('orders');
      await page.locator('#create-queue-form button').click();
      await waitForText(page, '#queue-name', 'orders');
      await waitForText(page, '#notice', 'Queue orders created.');
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
      await page.waitForFunction(() => document.querySelectorAll('#message-table tr[data-message]').length === 2);
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

      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      const screenshot = path.join(SCREENSHOTS, `dashboard-${backendName}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      console.log(`dashboard screenshot: ${screenshot}`);

      // the claimed message's Delete sends its claim id, without which Zaqar refuses with 403
      await page.locator(`${orderRow} td.actions button`).click();
      await waitForText(page, '#notice', 'Message deleted.');
      await waitForText(page, `${queueRow} td.depth`, '1');
      await page.waitForSelector(orderRow, { hidden: true });
      expect((await api.get(`/v2/queues/orders/messages/${posted[0].id}`)).status).toBe(404);
    });
  });
});
