import type { Browser, Page } from 'puppeteer-core';
import { BACKENDS } from '../support/backends';
import {
  chromiumMissing,
  createQueueThroughPage,
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
import { describeWithKeystone, KeystoneApi, KeystoneFixture, startKeystone } from '../support/keystone';
import { serversOnFreshStore } from '../support/lifecycle';
import { Caller, uniqueName } from './auth-support';

const UNAUTHORIZED = '401 Unauthorized: The request you have made requires authentication.';
const SIGNED_IN = 'Signed in with a Keystone token';

describeWithKeystone(
  'the dashboard signed in with a Keystone token, in Chromium, against a real Keystone',
  () => {
    let keystone: KeystoneFixture | undefined;
    let browser: Browser | undefined;

    beforeAll(async () => {
      browser = await launchChromium();
      keystone = await startKeystone();
    }, 120_000);

    afterAll(async () => {
      await Promise.all([browser?.close(), keystone?.stop()]);
    });

    describe.each(BACKENDS)('[%s]', (backendName, makeBackend) => {
      const running = serversOnFreshStore(makeBackend, 1, () => ({ AUTH_STRATEGY: 'keystone', ...keystone!.env() }));
      let page: Page;
      let trouble: string[];
      /** The identity headers of every API call the page made. */
      let sent: Array<{ token?: string; project?: string }>;

      beforeEach(async () => {
        ({ page, trouble } = await openTab(browser!));
        sent = [];
        page.on('request', (request) => {
          if (!new URL(request.url()).pathname.startsWith('/v2/')) return;
          const headers = request.headers();
          sent.push({ token: headers['x-auth-token'], project: headers['x-project-id'] });
        });
      });

      afterEach(async () => {
        await page?.close();
        expect(trouble).toEqual([]);
      });

      it("an alpha member's token signs in; a queue created and a message posted through the page land in alpha", async () => {
        const token = await keystone!.token('alpha-member');
        const alpha = keystone!.projects.alpha;
        const queue = uniqueName('orders');
        const queueRow = `#queue-table tr[data-queue="${queue}"]`;
        await signIn(page, running.server.url, { token, projectId: alpha });
        await waitForText(page, '#signed-in-as', SIGNED_IN);
        expect(JSON.parse((await storedCredentials(page))!)).toEqual({ projectId: alpha, roles: '', token });

        await createQueueThroughPage(page, queue);
        await postThroughPage(page, '{"order": 42}', '300');
        await waitForText(page, `${queueRow} td.depth`, '1');
        const member = new Caller(running.server.url, { 'X-Auth-Token': token });
        const listed = await member.get(`/v2/queues/${queue}/messages?echo=true`);
        expect([listed.status, listed.body.messages]).toEqual([
          200,
          [expect.objectContaining({ body: { order: 42 }, ttl: 300 })],
        ]);
        const messageRow = `#message-table tr[data-message="${listed.body.messages[0].id}"]`;
        await page.waitForSelector(messageRow);
        expect(JSON.parse(await textOf(page, `${messageRow} td.body`))).toEqual({ order: 42 });
        await screenshot(page, `dashboard-keystone-${backendName}`);

        expect(sent.length).toBeGreaterThan(0);
        expect(sent.filter((headers) => headers.token !== token || headers.project !== alpha)).toEqual([]);
      });

      it('a token Keystone refuses shows the 401 and keeps nothing', async () => {
        const revoked = await new KeystoneApi(keystone!.authUrl).passwordToken('alpha-member', keystone!.userPassword, {
          name: 'alpha',
        });
        await keystone!.revoke(revoked);
        for (const token of ['not-a-token', revoked]) {
          await submitSignIn(page, running.server.url, { token, projectId: keystone!.projects.alpha });
          await waitForText(page, '#error', UNAUTHORIZED);
          expect(await isHidden(page, '#queues')).toBe(true);
          expect(await isHidden(page, '#sign-in')).toBe(false);
          expect(await storedCredentials(page)).toBeNull();
        }
      });

      it("a beta member's token lists beta's queues only, even with alpha's project id typed in", async () => {
        const alphaQueue = uniqueName('alpha-only');
        const betaQueue = uniqueName('beta-own');
        const betaToken = await keystone!.token('beta-member');
        await new Caller(running.server.url, { 'X-Auth-Token': await keystone!.token('alpha-member') }).createQueue(
          alphaQueue,
        );
        await new Caller(running.server.url, { 'X-Auth-Token': betaToken }).createQueue(betaQueue);

        await signIn(page, running.server.url, { token: betaToken, projectId: keystone!.projects.alpha });
        await page.waitForSelector(`#queue-table tr[data-queue="${betaQueue}"]`);
        expect(await shownQueues(page)).toEqual([betaQueue]);
        // the page does not name the typed project: Keystone took beta's from the token
        expect(await textOf(page, '#signed-in-as')).toBe(SIGNED_IN);
      });
    });
  },
  chromiumMissing,
);
