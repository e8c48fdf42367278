import { BACKENDS_AND_POOLING } from '../support/pooled-backend';
import { serversOnFreshStore } from '../support/lifecycle';
import { ZaqarClient } from './client';

/**
 * Where a suite sends its requests.
 *
 * By default every suite runs once per storage back end, and once more with pooling on (queues
 * spread over two pools), each against a fresh store and a server process of our own. With ZAQAR_E2E_URL set (e.g. http://127.0.0.1:8889, the reference Zaqar), the
 * suite runs once against that URL instead and starts nothing; that URL is then taken to be the
 * reference unless ZAQAR_E2E_REFERENCE=0.
 */
export interface E2ETarget {
  /** Base URL; read it inside tests and hooks only (our server gets its port in beforeAll). */
  readonly url: string;
  /** True when the suite runs against the reference Zaqar. */
  readonly reference: boolean;
  /** A client in a fresh project with a fresh Client-ID, so tests never see each other's data. */
  client(): ZaqarClient;
  /**
   * `it` for behaviour where we deliberately differ from the reference (its bugs): skipped when the
   * target is the reference, so the suite stays green there. Say in a comment what the reference does.
   */
  readonly itOurs: jest.It;
}

const EXTERNAL_URL = process.env.ZAQAR_E2E_URL;
const EXTERNAL_IS_REFERENCE = process.env.ZAQAR_E2E_REFERENCE !== '0';

export function describeTargets(title: string, suite: (target: E2ETarget) => void): void {
  if (EXTERNAL_URL) {
    const url = EXTERNAL_URL.replace(/\/+$/, '');
    const target: E2ETarget = {
      url,
      reference: EXTERNAL_IS_REFERENCE,
      client: () => new ZaqarClient(url),
      itOurs: EXTERNAL_IS_REFERENCE ? it.skip : it,
    };
    describe(`${title} [${url}]`, () => suite(target));
    return;
  }

  describe.each(BACKENDS_AND_POOLING)(`${title} [%s]`, (_name, makeBackend) => {
    const running = serversOnFreshStore(makeBackend);
    const target: E2ETarget = {
      get url(): string {
        return running.server.url;
      },
      reference: false,
      client: () => new ZaqarClient(target.url),
      itOurs: it,
    };
    suite(target);
  });
}
