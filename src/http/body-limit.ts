import type { FastifyReply, FastifyRequest } from 'fastify';

/** The most of an oversized body still read (and thrown away) after its 413 is sent, bytes. */
export const OVERSIZED_BODY_DRAIN_BYTES = 8 * 1_048_576;
/** How long the rest of an oversized body may take to arrive before the connection is cut, ms. */
export const OVERSIZED_BODY_DRAIN_MS = 15_000;

/**
 * Keeps a 413 readable. The answer goes out before the body has been read; closing the connection
 * then (Fastify's default) leaves unread bytes behind, the kernel answers them with a reset, and a
 * client still sending never sees the 413. So when the declared body is at most
 * OVERSIZED_BODY_DRAIN_BYTES the connection stays open and the rest is read and discarded; a
 * larger declared body keeps Fastify's `connection: close`, and a rest that grows past the bound or
 * takes longer than OVERSIZED_BODY_DRAIN_MS has its connection cut.
 */
export function drainOversizedBody(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw;
  if (raw.complete || raw.readableEnded || raw.destroyed) return;
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > OVERSIZED_BODY_DRAIN_BYTES) return;
  reply.removeHeader('connection');
  let received = 0;
  const stop = (): void => {
    clearTimeout(timer);
    raw.off('data', count);
  };
  const cut = (): void => {
    stop();
    // Destroying the request destroys its socket; under inject() there is no real socket to cut.
    raw.destroy();
  };
  const count = (chunk: Buffer | string): void => {
    received += chunk.length;
    if (received > OVERSIZED_BODY_DRAIN_BYTES) cut();
  };
  const timer = setTimeout(cut, OVERSIZED_BODY_DRAIN_MS);
  timer.unref();
  raw.on('data', count);
  raw.once('end', stop);
  raw.once('close', stop);
}
