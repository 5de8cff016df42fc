/**
 * POST /api/v1/stripe/webhooks: Stripe (or the simulated gateway) delivering events. The body is
 * kept raw (an encapsulated parser for every content type) because the signature covers its exact
 * bytes. A missing or wrong `Stripe-Signature` answers 400 "Invalid webhook signature", a body that
 * is not an event 400 "Invalid webhook payload"; neither writes anything. Not rate limited:
 * a burst of deliveries is normal, and an unsigned request costs one HMAC.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponse } from '../../http/error-schemas.js';
import { AppError } from '../../http/errors.js';
import { WebhookSignatureError } from './gateway/types.js';
import { receiveWebhook, WebhookPayloadError, type WebhookDeps } from './webhooks/receive.js';

const received = z.object({ received: z.literal(true), eventId: z.string(), type: z.string(), duplicate: z.boolean() });

export const webhookRoute =
  (deps: WebhookDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.post(
      '/api/v1/stripe/webhooks',
      {
        config: { access: 'public', rateLimit: false },
        schema: {
          tags: ['payments'],
          summary: 'Gateway webhook (Stripe-Signature verified with STRIPE_WEBHOOK_SECRET); each event processed once',
          response: { 200: received, 400: errorResponse, 500: errorResponse },
        },
      },
      async (request) => {
        const header = request.headers['stripe-signature'];
        const signature = Array.isArray(header) ? header[0] : header;
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        try {
          const result = await receiveWebhook(deps, body, signature);
          return { received: true as const, eventId: result.eventId, type: result.type, duplicate: result.duplicate };
        } catch (error) {
          // Fixed messages: what the signature library or JSON parser said is logged, never answered.
          if (error instanceof WebhookSignatureError) {
            request.log.info({ reason: error.message }, 'webhook signature rejected');
            throw new AppError('bad_request', 'Invalid webhook signature', [{ field: 'headers.stripe-signature', message: 'is missing or does not match the body' }]);
          }
          if (error instanceof WebhookPayloadError) {
            throw new AppError('bad_request', 'Invalid webhook payload', [{ field: 'body', message: 'is not a signed gateway event' }]);
          }
          throw error;
        }
      },
    );
  };
