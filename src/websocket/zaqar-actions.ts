import { Injectable } from '@nestjs/common';
import { ClaimsService } from '../claims/claims.service';
import { HealthService } from '../health/health.service';
import { MessagesService } from '../messages/messages.service';
import { QueuesService } from '../queues/queues.service';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import type { ActionSpec, ActionTable } from './actions/action-spec';
import { claimActions } from './actions/claim.actions';
import { messageActions } from './actions/message.actions';
import { nodeActions } from './actions/node.actions';
import { queueActions } from './actions/queue.actions';
import { subscriptionActions } from './actions/subscription.actions';
import { topicActions } from './actions/topic.actions';

/**
 * Every action of Zaqar's v2 socket API but `authenticate` (the session's own), each a few lines
 * over the services the REST controllers use; the answers take the shapes of zaqar/api/v2/endpoints.py.
 * Topics have their twins of the queue, message and subscription actions (topic.actions).
 */
@Injectable()
export class ZaqarActions {
  private readonly table: ActionTable;

  constructor(
    queues: QueuesService,
    messages: MessagesService,
    claims: ClaimsService,
    subscriptions: SubscriptionsService,
    health: HealthService,
  ) {
    const queueShaped = {
      ...queueActions(queues),
      ...messageActions(messages),
      ...subscriptionActions(subscriptions),
    };
    this.table = {
      ...queueShaped,
      ...topicActions(queueShaped),
      ...claimActions(claims),
      ...nodeActions(health),
    };
  }

  find(action: string | null): ActionSpec | undefined {
    return action !== null && Object.hasOwn(this.table, action) ? this.table[action] : undefined;
  }

  /** Every action's name and the body fields its schema types: what a client (or a fuzzer) may send. */
  fields(): Record<string, ActionSpec['fields']> {
    return Object.fromEntries(Object.entries(this.table).map(([name, spec]) => [name, spec.fields]));
  }
}
