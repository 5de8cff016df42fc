import type { FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config.js';

/** Header and body paths that must never reach a log line (tokens, passwords, secrets). */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
];

/**
 * pino options for Fastify at LOG_LEVEL: JSON lines, or pretty ones (pino-pretty) with LOG_FORMAT
 * `pretty`, or with `auto` when `terminal` (default: whether stdout is a terminal).
 */
export function loggerOptions(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, terminal: boolean = process.stdout.isTTY === true): FastifyServerOptions['logger'] {
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && terminal);
  return {
    level: config.logLevel,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}
