import { buildApp, type App, type AppDeps } from '../../src/app.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import type { Role } from '../../src/modules/auth/access.js';
import { AccessTokens } from '../../src/modules/auth/tokens.js';
import type { Database } from '../../src/db/client.js';
import { createServices } from '../../src/runtime/services.js';
import { createTestDatabase, type TestDatabase } from './db.js';

/** Token service of every test app (fixed secret). */
export const testTokens = new AccessTokens('test-secret-test-secret-test-secret-0123456789');

/** A bearer header for an existing user. */
export async function bearerFor(user: { id: number; role: Role; email: string }): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await testTokens.sign({ userId: user.id, role: user.role, email: user.email })}` };
}

let userCounter = 0;

/** Creates an active user with `role` (and its teacher row for a teacher) and returns it with a bearer header. */
export async function createUser(
  db: Database,
  role: Role,
  fields: { email?: string; passwordHash?: string; firstName?: string } = {},
): Promise<{ id: number; role: Role; email: string; teacherId: number | null; headers: { authorization: string } }> {
  userCounter += 1;
  const email = fields.email ?? `${role}.${process.pid}.${userCounter}.${Date.now()}@test.example`;
  const [user] = await db.sql.query<{ id: number }>(`INSERT INTO users (email, password_hash, first_name, last_name, role) VALUES ($1, $2, $3, 'Tester', $4) RETURNING id`, [
    email,
    fields.passwordHash ?? null,
    fields.firstName ?? role,
    role,
  ]);
  const id = user!.id;
  let teacherId: number | null = null;
  if (role === 'teacher') {
    const [teacher] = await db.sql.query<{ id: number }>(`INSERT INTO teachers (user_id, instruments, hourly_rate_cents) VALUES ($1, ARRAY['piano'], 6000) RETURNING id`, [id]);
    teacherId = teacher!.id;
  }
  return { id, role, email, teacherId, headers: await bearerFor({ id, role, email }) };
}

export interface TestApp {
  app: App;
  config: AppConfig;
  database: TestDatabase;
  close(): Promise<void>;
}

/** Test configuration: defaults plus `overrides` (environment-variable style). */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ LOG_LEVEL: 'silent', LOG_FORMAT: 'json', DATA_DIR: 'memory://', SETTINGS_CACHE_MS: '0', ...overrides });
}

/** A real app on a fresh test database, for `app.inject()`. Call `close()` in afterAll. */
export async function createTestApp(options: { env?: Record<string, string>; deps?: Partial<AppDeps>; beforeReady?: (app: App) => void } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(options.env);
  const db = options.deps?.db ?? database.db;
  const services = options.deps?.services ?? createServices(config, db);
  const app = await buildApp({ config, db, logger: false, tokens: testTokens, services, ...options.deps });
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
