import type { FastifyReply } from 'fastify';

/** Fires when the client's connection closes before its answer was sent (a long poll given up). */
export function clientGone(reply: FastifyReply): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) gone.abort();
  });
  return gone.signal;
}
