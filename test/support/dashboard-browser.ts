import * as fs from 'node:fs';
import * as path from 'node:path';
import puppeteer, { Browser, Page } from 'puppeteer-core';

/** Driving the dashboard page in Debian's Chromium, for the dashboard e2e suites. */

// The browser's globals that the page-side functions below use: the build compiles test/support
// without the DOM's types, and these stay local to this module.
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare const sessionStorage: { getItem(key: string): string | null };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(__dirname, '../../test-output');

/** Why no browser can run here, or null when one can. */
export function chromiumMissing(): string | null {
  return fs.existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`;
}

/** Without a browser a suite is skipped on a developer's machine; in CI it runs and fails. */
export const describeWithBrowser = !chromiumMissing() || process.env.CI === 'true' ? describe : describe.skip;

export function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  // Chromium refuses to start its sandbox as root (as CI runs)
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args });
}

/** A tab and what went wrong in it: a working page has no trouble. */
export interface DashboardTab {
  page: Page;
  /** Script errors, console errors (a CSP violation is one) and alert() calls. */
  trouble: string[];
}

export async function openTab(browser: Browser): Promise<DashboardTab> {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await page.setViewport({ width: 1280, height: 800 });
  const trouble: string[] = [];
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
  return { page, trouble };
}

export const textOf = (page: Page, selector: string) => page.$eval(selector, (node) => node.textContent ?? '');

export const isHidden = (page: Page, selector: string): Promise<boolean> =>
  page.$eval(selector, (node) => (node as unknown as { hidden: boolean }).hidden);

export function waitForText(page: Page, selector: string, expected: string): Promise<unknown> {
  return page.waitForFunction(
    (sel, text) => document.querySelector(sel)?.textContent?.trim() === text,
    {},
    selector,
    expected,
  );
}

/** What the sign-in form asks for; a field left out stays blank. */
export interface SignInFields {
  projectId?: string;
  token?: string;
}

/** Opens the page and submits the sign-in form, whatever the API then answers. */
export async function submitSignIn(page: Page, url: string, fields: SignInFields): Promise<void> {
  await page.goto(`${url}/dashboard`);
  for (const [name, value] of Object.entries(fields)) await page.locator(`#sign-in-form [name=${name}]`).fill(value);
  await page.locator('#sign-in-form button').click();
}

export async function signIn(page: Page, url: string, fields: SignInFields): Promise<void> {
  await submitSignIn(page, url, fields);
  await page.locator('#queues').wait();
}

/** The credentials the page keeps in session storage, or null. */
export const storedCredentials = (page: Page): Promise<string | null> =>
  page.evaluate(() => sessionStorage.getItem('zaqar-dashboard.credentials'));

/** The names of the queues the list shows, in order. */
export const shownQueues = (page: Page): Promise<Array<string | undefined>> =>
  page.$$eval('#queue-table tr[data-queue]', (rows) => rows.map((r) => r.dataset.queue));

/** Creates the queue with the page's form; the page then opens it. */
export async function createQueueThroughPage(page: Page, name: string): Promise<void> {
  await page.locator('#create-queue-form [name=name]').fill(name);
  await page.locator('#create-queue-form button').click();
  await waitForText(page, '#queue-name', name);
  await waitForText(page, '#notice', `Queue ${name} created.`);
}

/** Posts one message to the open queue with the page's form. */
export async function postThroughPage(page: Page, body: string, ttl: string): Promise<void> {
  await page.locator('#post-form [name=body]').fill(body);
  await page.locator('#post-form [name=ttl]').fill(ttl);
  await page.locator('#post-form button').click();
  await waitForText(page, '#notice', 'Message posted.');
}

/** A full-page screenshot in test-output/, its path logged for whoever looks at the run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`dashboard screenshot: ${file}`);
}
