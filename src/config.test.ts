import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './data' });
    expect(config.schoolTimezone).toBe('America/Halifax');
    expect(config.logLevel).toBe('info');
    expect(config.logFormat).toBe('auto');
    expect(config.embeddedWorker).toBe(true);
    expect(config.corsOrigins).toEqual([]);
  });

  it('selects PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://u@db.example:5432/school', DATABASE_POOL_SIZE: '7' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgresql://u@db.example:5432/school', poolSize: 7, preparedStatements: true });
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@db/s', DATABASE_PREPARED_STATEMENTS: 'false' }).database).toMatchObject({ preparedStatements: false });
  });

  it.each([
    ['PORT', 'eighty', /PORT/],
    ['PORT', '70000', /PORT/],
    ['SCHOOL_TIMEZONE', 'Mars/Olympus', /SCHOOL_TIMEZONE.*IANA/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['LOG_FORMAT', 'yaml', /LOG_FORMAT/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL.*postgres/],
    ['REDIS_URL', 'not a url', /REDIS_URL/],
    ['JWT_SECRET', 'short', /JWT_SECRET.*32/],
    ['ADMIN_EMAIL', 'nobody', /ADMIN_EMAIL/],
    ['EMBEDDED_WORKER', 'maybe', /EMBEDDED_WORKER/],
  ])('rejects %s=%s naming the variable', (name, value, pattern) => {
    let caught: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(name);
    expect((caught as ConfigError).message).toMatch(pattern);
    expect((caught as ConfigError).message.split('\n')).toHaveLength(1);
  });

  it('does not echo secrets in the error', () => {
    expect(() => loadConfig({ JWT_SECRET: 'hunter2' })).toThrow(ConfigError);
    try {
      loadConfig({ JWT_SECRET: 'hunter2' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '' }).port).toBe(8080);
  });
});
