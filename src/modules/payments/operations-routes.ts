/**
 * Payments, operations (API.md "Second wave"): charge a failed payment now, cancel its automatic
 * retries, and record money received outside the gateway.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf, callerOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import type { SchoolServices } from '../services.js';
import { waiveLateFee } from './late-fees.js';
import { recordOfflinePayment } from './offline.js';
import { cancelRetries, retryPayment } from './retry.js';
import { idParams, offlineBody, offlineResult, paymentView, processHeaders, processResult, waiveLateFeeBody, waiveLateFeeResult } from './schemas.js';

const admin = { access: ['admin'] as const };
const adminOrParent = { access: ['admin', 'parent'] as const };
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 503: errorResponse };
const tags = ['payments'];

export const paymentOperationsRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/v1/payments/:id/retry',
      {
        config: adminOrParent,
        schema: {
          tags,
          security,
          params: idParams,
          summary: "Charge a failed payment now on the family's default card (the next attempt, through the payment workflow); answers when it ends, or 202 after 2 s",
          response: { 200: processResult, 202: processResult, ...errors },
        },
      },
      async (request, reply) => {
        const { done, result } = await retryPayment(services, callerOf(request), actorOf(request), request.params.id);
        if (!done) return reply.status(202).header('location', result.statusUrl).send(result);
        return result;
      },
    );

    app.post(
      '/api/v1/payments/:id/cancel-retries',
      {
        config: admin,
        schema: { tags, security, params: idParams, summary: 'End the automatic retries of a failed payment (the debt stays owed)', response: { 200: paymentView, ...errors } },
      },
      async (request) => cancelRetries(services, callerOf(request), actorOf(request), request.params.id),
    );

    app.post(
      '/api/v1/payments/:id/waive-late-fee',
      {
        config: admin,
        schema: {
          tags,
          security,
          params: idParams,
          body: waiveLateFeeBody,
          summary: "Waive a late fee ({id}: the fee's payment): cancelled when unpaid, refunded when paid; audited",
          response: { 200: waiveLateFeeResult, ...errors },
        },
      },
      async (request) => waiveLateFee(services, actorOf(request), request.params.id, request.body.reason),
    );

    app.post(
      '/api/v1/payments/offline',
      {
        config: admin,
        schema: {
          tags,
          security,
          headers: processHeaders,
          body: offlineBody,
          summary: 'Record cash, e-transfer or cheque money: ledger entry, receipt, audit; optionally settles a failed payment',
          response: { 200: offlineResult, 201: offlineResult, ...errors },
        },
      },
      async (request, reply) => {
        const { created, result } = await recordOfflinePayment(services, callerOf(request), actorOf(request), request.body, {
          idempotencyKey: request.headers['idempotency-key'],
        });
        return reply.status(created ? 201 : 200).send(result);
      },
    );
  };
