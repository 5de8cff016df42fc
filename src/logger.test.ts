import { describe, expect, it } from 'vitest';
import { loggerOptions } from './logger.js';

const transportOf = (options: ReturnType<typeof loggerOptions>): unknown => (options as { transport?: unknown }).transport;

describe('loggerOptions', () => {
  it('writes JSON lines unless LOG_FORMAT asks for pretty ones, or is auto on a terminal', () => {
    expect(transportOf(loggerOptions({ logLevel: 'info', logFormat: 'json' }, true))).toBeUndefined();
    expect(transportOf(loggerOptions({ logLevel: 'info', logFormat: 'auto' }, false))).toBeUndefined();
    expect(transportOf(loggerOptions({ logLevel: 'info', logFormat: 'auto' }, true))).toMatchObject({ target: 'pino-pretty' });
    expect(transportOf(loggerOptions({ logLevel: 'info', logFormat: 'pretty' }, false))).toMatchObject({ target: 'pino-pretty' });
  });

  it('keeps the level and the redaction whatever the format', () => {
    expect(loggerOptions({ logLevel: 'warn', logFormat: 'json' })).toMatchObject({ level: 'warn', redact: { censor: '[redacted]' } });
  });
});
