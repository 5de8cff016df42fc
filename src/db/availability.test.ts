import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, reconnectDelayMs } from './availability.js';

const withCode = (code: string, message = 'boom'): Error => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', withCode('ECONNRESET', 'read ECONNRESET')],
    ['a server shut down by an administrator (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['a crashed server (57P02)', withCode('57P02')],
    ['a server starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', withCode('08006')],
    ['too many connections (53300)', withCode('53300')],
    ['a connection that ended', new Error('Connection terminated unexpectedly')],
    ['a connection attempt that timed out', new Error('Connection terminated due to connection timeout')],
    ['a pool that waited too long', new Error('timeout exceeded when trying to connect')],
    ['a broken client', new Error('Client has encountered a connection error and is not queryable')],
    ['a closed PGlite', new Error('PGlite is closed')],
  ])('is true for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('finds the reason inside wrappers: a Drizzle query error, an AggregateError of a dual-stack connect', () => {
    const drizzle = new Error('Failed query: select 1', { cause: withCode('57P01') });
    const dualStack = Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''), { code: undefined });
    expect(isDatabaseUnavailable(drizzle)).toBe(true);
    expect(isDatabaseUnavailable(dualStack)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', withCode('42601')],
    ['a serialization failure', withCode('40001')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an HTTP service that is down (fetch)', new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') })],
    ['no error at all', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('is false for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('does not loop on an error that is its own cause', () => {
    const error = new Error('odd') as Error & { cause?: unknown };
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('reconnectDelayMs', () => {
  it('doubles per failure up to the cap, between half and all of the step', () => {
    const backoff = { firstMs: 200, maxMs: 2_000 };
    for (const [failures, ceiling] of [
      [0, 200],
      [1, 400],
      [2, 800],
      [3, 1_600],
      [4, 2_000],
      [50, 2_000],
    ] as const) {
      for (let i = 0; i < 20; i += 1) {
        const delay = reconnectDelayMs(failures, backoff);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});
