import { DEFAULT_LIMITS } from '../config/limits';
import { InvalidApiRequest } from '../common/errors';
import { QUEUES, TOPICS } from '../common/queue-space';
import { checkReservedMetadata, deadLetterPolicy, postingPolicy, withReservedDefaults } from './queue-metadata';

describe('reserved queue metadata', () => {
  it('fills reserved defaults only where the queue leaves them unset or falsy', () => {
    expect(withReservedDefaults({ a: 1, _default_message_ttl: 120 }, DEFAULT_LIMITS, QUEUES.shownReserved)).toEqual({
      a: 1,
      _default_message_ttl: 120,
      _max_messages_post_size: 262144,
      _default_message_delay: 0,
      _dead_letter_queue: null,
      _dead_letter_queue_messages_ttl: null,
      _max_claim_count: null,
      _enable_encrypt_messages: false,
    });
  });

  it('shows a topic only the reserved keys Zaqar lists for topics', () => {
    expect(withReservedDefaults({ _max_claim_count: 0 }, DEFAULT_LIMITS, TOPICS.shownReserved)).toEqual({
      _max_claim_count: 0,
      _max_messages_post_size: 262144,
      _default_message_ttl: 3600,
      _default_message_delay: 0,
    });
  });

  it.each([
    [{ _default_message_ttl: 'x' }, '_default_message_ttl must be integer.'],
    [
      { _default_message_ttl: 59 },
      '_default_message_ttl can not exceed 1209600 seconds, and must be at least 60 seconds long.',
    ],
    [
      { _max_messages_post_size: 262145 },
      '_max_messages_post_size can not exceed 262144,  and must be at least greater than 0.',
    ],
    [{ _max_claim_count: 1.5 }, '_max_claim_count must be integer.'],
    [
      { _dead_letter_queue_messages_ttl: 30 },
      'The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds long.',
    ],
    [{ _default_message_delay: 901 }, 'The TTL can not exceed 900 seconds, and must be at least 0 seconds long.'],
    [{ _enable_encrypt_messages: 'yes' }, '_enable_encrypt_messages must be boolean.'],
  ])('rejects %j', (metadata, description) => {
    expect(() => checkReservedMetadata(metadata, DEFAULT_LIMITS)).toThrow(new InvalidApiRequest(description));
  });

  it('derives the posting policy, capping the queue post size at the server limit', () => {
    expect(postingPolicy({ _default_message_ttl: 120, _max_messages_post_size: 1000 }, DEFAULT_LIMITS)).toEqual({
      defaultTtl: 120,
      defaultDelay: 0,
      maxPostSize: 1000,
    });
    expect(postingPolicy({}, DEFAULT_LIMITS).maxPostSize).toBe(262144);
  });

  it('has a dead-letter policy only when both max claim count and queue are set', () => {
    expect(deadLetterPolicy({ _max_claim_count: 2 })).toBeUndefined();
    expect(
      deadLetterPolicy({ _max_claim_count: 2, _dead_letter_queue: 'dlq', _dead_letter_queue_messages_ttl: 600 }),
    ).toEqual({
      maxClaimCount: 2,
      queue: 'dlq',
      ttl: 600,
    });
  });
});
