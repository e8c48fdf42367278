import { loadSettings } from '../config/settings';
import { SocketPushes, socketConnectionId, socketSubscriber } from './socket-pushes';

describe('socket subscribers', () => {
  it('name their connection under a scheme of their own', () => {
    expect(socketSubscriber('abc')).toBe('socket:abc');
    expect(socketConnectionId('socket:abc')).toBe('abc');
    expect(socketConnectionId('http://socket:abc')).toBeUndefined();
  });
});

describe('SocketPushes without Redis, outside a cluster', () => {
  const pushes = new SocketPushes(loadSettings({ STORAGE_URL: 'sqlite::memory:' }));

  it('hands a notification to a connection of this process', async () => {
    const received: unknown[] = [];
    pushes.register('c1', (notification) => received.push(notification));
    await pushes.push('c1', { body: 1 });
    expect(received).toEqual([{ body: 1 }]);
  });

  it('drops one for a connection that has gone, and survives a push that throws', async () => {
    pushes.unregister('c1');
    await expect(pushes.push('c1', { body: 2 })).resolves.toBeUndefined();
    pushes.register('c2', () => {
      throw new Error('socket closed');
    });
    await expect(pushes.push('c2', { body: 3 })).resolves.toBeUndefined();
  });
});
