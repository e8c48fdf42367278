import { TOPICS } from '../../common/queue-space';
import type { ActionSpec, ActionTable } from './action-spec';

/** Which actions have a topic twin, and the twin's prefix in place of theirs. */
const TWIN_PREFIXES: Array<[queue: string, topic: string]> = [
  ['queue_', 'topic_'],
  ['message_', 'topic_message_'],
  ['subscription_', 'topic_subscription_'],
];

/**
 * Topics over the sockets (beyond Zaqar, whose socket API has none): each queue, message and
 * subscription action has a twin (topic_create, topic_message_post, topic_subscription_create…)
 * that names a `topic_name` instead of a `queue_name` and runs the same action in the topic space.
 */
export function topicActions(table: ActionTable): ActionTable {
  const twins: ActionTable = {};
  for (const [name, spec] of Object.entries(table)) {
    const prefixes = TWIN_PREFIXES.find(([queue]) => name.startsWith(queue));
    if (prefixes) twins[prefixes[1] + name.slice(prefixes[0].length)] = topicTwin(spec);
  }
  return twins;
}

function topicTwin(spec: ActionSpec): ActionSpec {
  const { queue_name: name, ...fields } = spec.fields;
  return {
    ...spec,
    space: TOPICS,
    fields: name ? { topic_name: name, ...fields } : fields,
    run: (ctx, body, session) => spec.run(ctx, { ...body, queue_name: body.topic_name }, session),
  };
}
