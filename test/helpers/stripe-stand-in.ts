import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatedGateway } from '../../src/modules/payments/gateway/simulated/gateway.js';
import type { SimulatedSql } from '../../src/modules/payments/gateway/simulated/store.js';
import { StripeGateway } from '../../src/modules/payments/gateway/stripe.js';
import { parseForm } from './stripe-form.js';
import { handleStripeRequest, type StandInRequest, type StandInResponse } from './stripe-stand-in-routes.js';

/**
 * A local stand-in for api.stripe.com: a node:http server on a random port speaking the part of
 * Stripe's REST API the StripeGateway uses (form bodies, Idempotency-Key, Stripe's JSON objects
 * and error bodies), backed by a SimulatedGateway so its behaviour is the simulated gateway's.
 * Point the real `stripe` SDK at it with STRIPE_API_URL = `standIn.url` (or `standIn.gateway()`).
 */

export type { StandInRequest, StandInResponse };

export interface StandInLogEntry {
  method: string;
  path: string;
  idempotencyKey: string | null;
  status: number;
  at: Date;
}

/** What a hook may decide about an answer: send it (default) or drop the connection unanswered. */
export type RespondDecision = 'send' | 'drop';

export interface StandInHooks {
  /** Runs before a request is handled; a returned promise delays the handling. */
  onRequest?: (req: StandInRequest) => void | Promise<void>;
  /** Runs after a request was handled (its effects are in the database), before the answer is written. */
  beforeRespond?: (req: StandInRequest, res: StandInResponse) => undefined | RespondDecision | Promise<undefined | RespondDecision>;
}

export interface HeldResponse {
  /** Resolves with the request once it has been handled (e.g. the card has been charged). */
  reached: Promise<StandInRequest>;
  /** Sends the held answer, or drops the connection without answering (`drop`). */
  release(decision?: RespondDecision): void;
}

export interface StripeStandIn {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The simulated gateway behind it (advanceClock, events, setWebhookDelivery …). */
  sim: SimulatedGateway;
  /** Every request answered (or dropped: status 0), in order. */
  requests: StandInLogEntry[];
  hooks: StandInHooks;
  /** Holds back the answer of the next request whose path matches, until `release`. */
  holdResponse(path: string | RegExp, method?: string): HeldResponse;
  /** A StripeGateway using the official SDK against this stand-in. */
  gateway(options?: { webhookSecret?: string; timeoutMs?: number }): StripeGateway;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export async function startStripeStandIn(sql: SimulatedSql, options: { webhookSecret?: string } = {}): Promise<StripeStandIn> {
  const sim = new SimulatedGateway(sql, options.webhookSecret ? { webhookSecret: options.webhookSecret } : {});
  const requests: StandInLogEntry[] = [];
  const hooks: StandInHooks = {};
  const held: Array<{ path: string | RegExp; method: string | undefined; reached: (r: StandInRequest) => void; decision: Promise<RespondDecision> }> = [];

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const header = req.headers['idempotency-key'];
    const request: StandInRequest = {
      method,
      path: url.pathname,
      params: parseForm(method === 'POST' ? body : url.search.slice(1)),
      idempotencyKey: typeof header === 'string' ? header : null,
    };
    let response: StandInResponse;
    if (!/^Bearer (sk|rk)_(test|live)_\w+$/.test(req.headers.authorization ?? '')) {
      response = { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } } };
    } else {
      await hooks.onRequest?.(request);
      response = await handleStripeRequest(sim.stripe, request);
    }
    let decision = (await hooks.beforeRespond?.(request, response)) ?? 'send';
    const index = held.findIndex((h) => (h.method === undefined || h.method === method) && (typeof h.path === 'string' ? h.path === request.path : h.path.test(request.path)));
    if (index >= 0) {
      const [hold] = held.splice(index, 1);
      hold!.reached(request);
      decision = await hold!.decision;
    }
    requests.push({ method, path: request.path, idempotencyKey: request.idempotencyKey, status: decision === 'drop' ? 0 : response.status, at: new Date() });
    if (decision === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(response.status, { 'Content-Type': 'application/json', 'Request-Id': `req_${randomBytes(8).toString('hex')}` });
    res.end(JSON.stringify(response.body));
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: error instanceof Error ? error.message : String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    sim,
    requests,
    hooks,
    holdResponse(path, method) {
      let reached!: (r: StandInRequest) => void;
      let release!: (d: RespondDecision) => void;
      const reachedPromise = new Promise<StandInRequest>((resolve) => (reached = resolve));
      const decision = new Promise<RespondDecision>((resolve) => (release = resolve));
      held.push({ path, method, reached, decision });
      return { reached: reachedPromise, release: (d = 'send') => release(d) };
    },
    gateway(gatewayOptions = {}) {
      const webhookSecret = gatewayOptions.webhookSecret ?? options.webhookSecret;
      return new StripeGateway({
        secretKey: 'sk_test_standin',
        apiUrl: url,
        ...(webhookSecret ? { webhookSecret } : {}),
        ...(gatewayOptions.timeoutMs ? { timeoutMs: gatewayOptions.timeoutMs } : {}),
      });
    },
    async close() {
      await sim.deliveriesIdle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
