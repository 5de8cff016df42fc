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

  it('configures AI providers in the listed order, or those whose settings are present', () => {
    expect(loadConfig({}).ai).toEqual({ providers: [], timeoutMs: 20_000, monthlyBudgetCents: undefined });
    const listed = loadConfig({
      AI_PROVIDERS: 'anthropic, openai',
      OPENAI_API_KEY: 'sk-test-123456',
      ANTHROPIC_API_KEY: 'sk-ant-123456',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/v1/',
      AI_MONTHLY_BUDGET_CENTS: '2500',
      AI_TIMEOUT_MS: '8000',
    }).ai;
    expect(listed).toEqual({
      providers: [
        { name: 'anthropic', model: 'claude-haiku-4-5', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-ant-123456' },
        { name: 'openai', model: 'gpt-4o-mini', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test-123456' },
      ],
      timeoutMs: 8000,
      monthlyBudgetCents: 2500,
    });
    const inferred = loadConfig({ AI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:8081/v1', AI_COMPATIBLE_MODEL: 'llama', OPENAI_API_KEY: 'sk-test-123456' }).ai.providers;
    expect(inferred.map((p) => p.name)).toEqual(['openai', 'compatible']);
  });

  it.each([
    [{ AI_PROVIDERS: 'openai' }, 'OPENAI_API_KEY', /OPENAI_API_KEY: is required when AI_PROVIDERS lists openai/],
    [{ AI_PROVIDERS: 'compatible', AI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:8081/v1' }, 'AI_COMPATIBLE_MODEL', /AI_COMPATIBLE_MODEL/],
    [{ AI_PROVIDERS: 'openai,gemini' }, 'AI_PROVIDERS', /AI_PROVIDERS: must list providers among openai, anthropic, compatible/],
    [{ AI_PROVIDERS: 'openai,openai', OPENAI_API_KEY: 'sk-test-123456' }, 'AI_PROVIDERS', /twice/],
    [{ AI_TIMEOUT_MS: 'soon' }, 'AI_TIMEOUT_MS', /AI_TIMEOUT_MS/],
    [{ AI_MONTHLY_BUDGET_CENTS: '-5' }, 'AI_MONTHLY_BUDGET_CENTS', /AI_MONTHLY_BUDGET_CENTS/],
    [{ OPENAI_BASE_URL: 'ftp://example' }, 'OPENAI_BASE_URL', /OPENAI_BASE_URL/],
  ])('rejects a bad AI setting %j naming %s', (env, variable, pattern) => {
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toMatch(pattern);
  });

  it('does not echo API keys in the error', () => {
    try {
      loadConfig({ OPENAI_API_KEY: 'short' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).variable).toBe('OPENAI_API_KEY');
      expect((error as Error).message).not.toContain('short');
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '' }).port).toBe(8080);
  });
});
