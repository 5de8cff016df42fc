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
 * pino options for Fastify: JSON lines in production and under pipes, pretty when stdout is a terminal.
 */
export function loggerOptions(config: Pick<AppConfig, 'logLevel' | 'env'>): FastifyServerOptions['logger'] {
  const pretty = process.stdout.isTTY === true && config.env !== 'test';
  return {
    level: config.logLevel,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}
