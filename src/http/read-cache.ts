import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Counter } from 'prom-client';
import type { ChangeFeed } from '../db/change-feed.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The answer is a function of the caller, the URL (and, for a POST, the body) and school data
     * only (nothing written, nothing personal beyond the caller's own view): its 200 answers may
     * be served from the read cache.
     */
    readCache?: boolean;
  }
  interface FastifyRequest {
    /** Set on a cache miss: where to store the answer, and the data version it was read at. */
    readCacheSlot: { key: string; version: number } | undefined;
    /** The change feed's mark when the request arrived (see ChangeFeed.syncedSince). */
    feedMark: number;
  }
}

/**
 * The header that tells a client (and the tests) how an answer was produced: `hit` (from memory),
 * `shared` (the answer of the same read running at that moment), `miss` (read from the database)
 * or `bypass` (cache not trusted: read from the database).
 */
export const READ_CACHE_HEADER = 'x-read-cache';

export interface ReadCacheOptions {
  /**
   * How long an answer may be reused, in ms, however quiet the data (answers can depend on the
   * clock: ages, minimum notice). 0 turns the cache off.
   */
  ttlMs: number;
  /** Upper bound of the cached answer bodies, in bytes (least recently used go first). */
  maxBytes: number;
}

interface Entry {
  version: number;
  /**
   * The answer exactly as sent: the serialised body already encoded in UTF-8, so a hit is written
   * to the socket without serialising, encoding or measuring it again (a 60 kB body costs far more
   * to encode than to look up).
   */
  body: Buffer;
  contentType: string;
  cacheControl: string | undefined;
}

/** The UTF-8 bytes of `text` in a buffer of their own (not a slice of Node's shared pool, so `length` is what it holds). */
function encodeBody(text: string): Buffer {
  const body = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  body.write(text, 'utf8');
  return body;
}

function keyOf(request: FastifyRequest): string {
  const principal = request.principal;
  const caller = principal ? `${principal.userId}:${principal.role}` : 'public';
  const body = request.method === 'POST' ? `\n${JSON.stringify(request.body)}` : '';
  return `${caller} ${request.method} ${request.url}${body}`;
}

/**
 * Serves the answers of routes marked `config.readCache` from memory while school data has not
 * changed, exactly: before each lookup the process syncs its ChangeFeed (one shared round trip on
 * the listening connection), so a change committed anywhere before the request arrived — by this
 * process, a worker, another API instance or plain SQL — is never answered from the cache.
 *
 * The lookup runs after authentication and validation (a deactivated caller gets 401, bad input
 * 400, as always) and caches 200 answers only, per caller (row-level security and roles shape
 * answers). Without a live feed every request goes to the database.
 */
export function installReadCache(app: FastifyInstance, feed: ChangeFeed, options: ReadCacheOptions, counter: Counter<'result'>): void {
  app.decorateRequest('readCacheSlot', undefined);
  app.decorateRequest('feedMark', 0);
  if (options.ttlMs <= 0) return;
  const entries = new LRUCache<string, Entry>({
    maxSize: options.maxBytes,
    sizeCalculation: (entry, key) => entry.body.length + key.length + 64,
    ttl: options.ttlMs,
  });

  app.addHook('onRequest', (request, _reply, done) => {
    request.feedMark = feed.mark();
    done();
  });

  /** Answers being read right now, by key: concurrent misses of one key wait for the first (single flight). */
  const reading = new Map<string, { version: number; answer: Promise<Entry | undefined>; settle: (entry: Entry | undefined) => void }>();

  const serve = (reply: FastifyReply, entry: Entry, result: 'hit' | 'shared'): FastifyReply => {
    counter.inc({ result: 'hit' });
    reply.header(READ_CACHE_HEADER, result).type(entry.contentType);
    if (entry.cacheControl) reply.header('cache-control', entry.cacheControl);
    return reply.send(entry.body); // a Buffer bypasses the serializer
  };

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.config.readCache || (request.method !== 'GET' && request.method !== 'POST')) return;
    // Authentication usually synced the feed for this request already (user-cache.ts).
    if (!(await feed.syncedSince(request.feedMark))) {
      reply.header(READ_CACHE_HEADER, 'bypass');
      counter.inc({ result: 'bypass' });
      return;
    }
    const key = keyOf(request);
    const version = feed.version;
    const entry = entries.get(key);
    if (entry && entry.version === version) return serve(reply, entry, 'hit');
    // The same read already under way at this version started after every change this request
    // must see (the version has not moved since), so its answer is exact for this request too.
    const underWay = reading.get(key);
    if (underWay && underWay.version === version) {
      const shared = await underWay.answer;
      if (shared && shared.version === feed.version) return serve(reply, shared, 'shared');
    }
    const leading = reading.get(key);
    if (!leading || leading.version !== version) {
      let settle: (entry: Entry | undefined) => void = () => undefined;
      const answer = new Promise<Entry | undefined>((resolve) => (settle = resolve));
      reading.set(key, { version, answer, settle });
    }
    request.readCacheSlot = { key, version };
    counter.inc({ result: 'miss' });
    reply.header(READ_CACHE_HEADER, 'miss');
  });

  /** Ends this request's single flight (with its answer, or none), if it leads one. */
  const finishFlight = (request: FastifyRequest, entry: Entry | undefined): void => {
    const slot = request.readCacheSlot;
    const flight = slot && reading.get(slot.key);
    if (!slot || !flight || flight.version !== slot.version) return;
    reading.delete(slot.key);
    flight.settle(entry);
  };

  app.addHook('onSend', (request, reply, payload, done) => {
    const slot = request.readCacheSlot;
    // A change counted while the answer was being read makes it possibly stale: not stored.
    if (slot && reply.statusCode === 200 && (typeof payload === 'string' || Buffer.isBuffer(payload)) && feed.live && feed.version === slot.version) {
      const cacheControl = reply.getHeader('cache-control');
      const entry: Entry = {
        version: slot.version,
        body: typeof payload === 'string' ? encodeBody(payload) : payload,
        contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
        cacheControl: typeof cacheControl === 'string' ? cacheControl : undefined,
      };
      entries.set(slot.key, entry);
      finishFlight(request, entry);
      done(null, entry.body); // the miss sends the same bytes, encoded once
      return;
    }
    done(null, payload);
  });

  // Errors, other statuses and aborted requests end their flight without an answer (waiters read for themselves).
  app.addHook('onResponse', (request, _reply, done) => {
    finishFlight(request, undefined);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    finishFlight(request, undefined);
    done();
  });
}
