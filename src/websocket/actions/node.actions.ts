import type { HealthService } from '../../health/health.service';
import { NO_POLICY } from '../../policy/action.decorator';
import { HOME_DOCUMENT } from '../../versions/home-document';
import type { ActionTable } from './action-spec';

/** The node actions Zaqar's socket schema lists (and its own server never answers). */
export function nodeActions(health: HealthService): ActionTable {
  return {
    ping_node: {
      policy: 'ping:get',
      fields: {},
      async run() {
        await health.ping();
        return [204, {}];
      },
    },
    check_node_health: {
      policy: 'health:get',
      fields: {},
      run: async () => [200, await health.detailed()],
    },
    get_home_doc: {
      policy: NO_POLICY,
      fields: {},
      run: async () => [200, HOME_DOCUMENT],
    },
  };
}
