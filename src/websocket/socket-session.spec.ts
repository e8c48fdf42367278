import { QUEUES } from '../common/queue-space';
import { AUTHENTICATION_EXPIRED, SocketSession } from './socket-session';

describe('SocketSession', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const identity = { project: 'p', roles: ['member'], isAdmin: false };

  it('acts as the authenticated identity until the token expires, then closes with 4003', () => {
    const close = jest.fn();
    const session = new SocketSession(() => undefined, close);
    session.authenticate(identity, new Date(Date.now() + 60_000));
    expect(session.identity).toBe(identity);
    jest.advanceTimersByTime(59_000);
    expect(close).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1_000);
    expect(close).toHaveBeenCalledWith(AUTHENTICATION_EXPIRED.code, AUTHENTICATION_EXPIRED.reason);
    expect(session.identity).toBeUndefined();
  });

  it('waits out a token valid for longer than one timer can run', () => {
    const close = jest.fn();
    const session = new SocketSession(() => undefined, close);
    session.authenticate(identity, new Date(Date.now() + 30 * 86_400_000));
    jest.advanceTimersByTime(29 * 86_400_000);
    expect(close).not.toHaveBeenCalled();
    jest.advanceTimersByTime(86_400_000);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('a second authenticate replaces the first expiry; end stops it and hands back its subscriptions', () => {
    const close = jest.fn();
    const session = new SocketSession(() => undefined, close);
    session.authenticate(identity, new Date(Date.now() + 1_000));
    session.authenticate(identity, new Date(Date.now() + 10_000));
    jest.advanceTimersByTime(5_000);
    expect(close).not.toHaveBeenCalled();
    const ctx = { project: 'p', clientId: 'c', roles: [], isAdmin: false, space: QUEUES };
    session.subscribed({ ctx, queue: 'q', id: 's1' });
    session.subscribed({ ctx, queue: 'q', id: 's1' });
    expect(session.end()).toEqual([{ ctx, queue: 'q', id: 's1' }]);
    jest.advanceTimersByTime(10_000);
    expect(close).not.toHaveBeenCalled();
  });
});
