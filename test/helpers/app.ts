import { buildApp, type App, type AppDeps } from '../../src/app.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import type { Role } from '../../src/http/access.js';
import { AccessTokens } from '../../src/modules/auth/tokens.js';
import { createTestDatabase, type TestDatabase } from './db.js';

/** Token service of every test app (fixed secret). */
export const testTokens = new AccessTokens('test-secret-test-secret-test-secret-0123456789');

/** A bearer header for a user with `role` (the user need not exist for routes that only check the role). */
export async function bearer(role: Role, userId = 1, email = `${role}@test.example`): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await testTokens.sign({ userId, role, email })}` };
}

export interface TestApp {
  app: App;
  config: AppConfig;
  database: TestDatabase;
  close(): Promise<void>;
}

/** Test configuration: defaults plus `overrides` (environment-variable style). */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: 'memory://', ...overrides });
}

/** A real app on a fresh test database, for `app.inject()`. Call `close()` in afterAll. */
export async function createTestApp(
  options: { env?: Record<string, string>; deps?: Partial<AppDeps>; beforeReady?: (app: App) => void } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(options.env);
  const app = await buildApp({ config, db: database.db, logger: false, tokens: testTokens, ...options.deps });
  options.beforeReady?.(app);
  await app.ready();
  return {
    app,
    config,
    database,
    async close() {
      await app.close();
      await database.dispose();
    },
  };
}
