/**
 * The short fuzz run of `npm test`: every operation of the OpenAPI document (and every hidden
 * route) × anonymous, parent and admin, a few schema-driven malformed requests each, plus raw
 * HTTP probes. No answer may be a 5xx; every 4xx must be in the error envelope. The seed is fixed
 * (FUZZ_SEED overrides it) and printed; the long run is `npm run fuzz` (test/fuzz/run.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.js';
import { formatReport, runCampaign } from './campaign.js';
import { verdictOf } from './verdict.js';
import { createFuzzWorld, type FuzzWorld } from './world.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20_261_122;
const RUNS = 5;

describe('verdict', () => {
  const envelope = (requestId = 'r1') => JSON.stringify({ error: { code: 'validation_failed', message: 'body.age: too small', requestId } });
  const json = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r1' };

  it('accepts a 2xx and a 4xx in the envelope', () => {
    expect(verdictOf({ statusCode: 200, headers: json, body: '{}' })).toBeUndefined();
    expect(verdictOf({ statusCode: 400, headers: json, body: envelope() })).toBeUndefined();
  });

  it('refuses a 5xx, a 4xx outside the envelope, a foreign request id and library text', () => {
    expect(verdictOf({ statusCode: 500, headers: json, body: envelope() })).toMatch(/server error/);
    expect(verdictOf({ statusCode: 431, headers: json, body: '{"error":"Request Header Fields Too Large","message":"Client Error","statusCode":431}' })).toMatch(
      /outside the error envelope/,
    );
    expect(verdictOf({ statusCode: 400, headers: { 'content-type': 'text/plain' }, body: 'Bad Request' })).toMatch(/content type/);
    expect(verdictOf({ statusCode: 400, headers: json, body: envelope('other') })).toMatch(/requestId/);
    const echo = JSON.stringify({ error: { code: 'bad_request', message: 'See https://docs.example/webhooks', requestId: 'r1' } });
    expect(verdictOf({ statusCode: 400, headers: json, body: echo })).toMatch(/link/);
  });
});

describe('API fuzz (short run)', () => {
  let world: FuzzWorld;

  beforeAll(async () => {
    world = await createFuzzWorld(await createTestDatabase());
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('answers every malformed request without a 5xx, and every 4xx in the error envelope', async () => {
    const report = await runCampaign(world, { seed: SEED, runs: RUNS });
    console.log(formatReport(report, { runs: RUNS }));
    expect(report.operations).toBeGreaterThanOrEqual(85);
    // The requests reach the handlers: some succeed, some are refused by validation.
    expect(report.byStatus['200'] ?? 0).toBeGreaterThan(0);
    expect(report.byStatus['400'] ?? 0).toBeGreaterThan(0);
    expect(report.failures.map((f) => `${f.operation} as ${f.caller} (${f.mutation}): ${f.verdict}; ${f.request} → ${f.answer}`)).toEqual([]);
  }, 240_000);
});
