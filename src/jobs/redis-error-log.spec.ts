import { EventEmitter } from 'node:events';
import type { Logger } from '@nestjs/common';
import { logRedisErrors } from './redis-error-log';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

function heard(connection?: EventEmitter | Promise<EventEmitter>) {
  const client = new EventEmitter();
  const lines: string[] = [];
  const logger = {
    warn: (line: string) => lines.push(`warn ${line}`),
    log: (line: string) => lines.push(`log ${line}`),
  };
  logRedisErrors(client, logger as unknown as Logger, 'signals', connection);
  return { client, lines };
}

describe('logRedisErrors', () => {
  it('logs the first connection failure of an outage, none of its repeats, and the end of it', () => {
    const { client, lines } = heard();
    for (let i = 0; i < 50; i++) client.emit('error', refused());
    client.emit('ready');
    client.emit('error', refused());
    expect(lines).toEqual([
      'warn signals: Redis unreachable (connect ECONNREFUSED 127.0.0.1:6379), reconnecting',
      'log signals: Redis reachable again',
      'warn signals: Redis unreachable (connect ECONNREFUSED 127.0.0.1:6379), reconnecting',
    ]);
  });

  it('logs every error that is not a connection failure, during an outage too', () => {
    const { client, lines } = heard();
    client.emit('error', refused());
    client.emit('error', new Error('Missing lock for job 7'));
    client.emit('error', new Error('Missing lock for job 7'));
    expect(lines.slice(1)).toEqual(['warn signals: Missing lock for job 7', 'warn signals: Missing lock for job 7']);
  });

  it('a ready client that never failed logs nothing', () => {
    const { client, lines } = heard();
    client.emit('ready');
    expect(lines).toEqual([]);
  });

  it("hears the end of an outage from the emitter it is given (a BullMQ queue's connection)", () => {
    const connection = new EventEmitter();
    const { client, lines } = heard(connection);
    client.emit('error', refused());
    client.emit('ready');
    client.emit('error', refused());
    connection.emit('ready');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('log signals: Redis reachable again');
  });

  it('hears the first end of an outage from a promise of that emitter (a queue that never reached Redis)', async () => {
    const connection = new EventEmitter();
    let connected!: (emitter: EventEmitter) => void;
    const { client, lines } = heard(new Promise((resolve) => (connected = resolve)));
    client.emit('error', refused());
    connected(connection);
    await Promise.resolve();
    client.emit('error', refused());
    connection.emit('ready');
    expect(lines).toEqual([
      'warn signals: Redis unreachable (connect ECONNREFUSED 127.0.0.1:6379), reconnecting',
      'log signals: Redis reachable again',
      'warn signals: Redis unreachable (connect ECONNREFUSED 127.0.0.1:6379), reconnecting',
      'log signals: Redis reachable again',
    ]);
  });
});
