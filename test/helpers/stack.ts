import { buildApp, type App } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import type { WorkflowEngine, WorkflowRegistry } from '../../src/engine/index.js';
import { createServices } from '../../src/runtime/services.js';
import { buildWorkflowRegistry } from '../../src/runtime/workflows.js';
import type { SchoolServices } from '../../src/modules/services.js';
import { testConfig, testTokens } from './app.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { createTestEngine } from './engine.js';

/** The whole school on a fresh test database: services, the real registry, an engine (with a worker) and the app. */
export interface TestStack {
  app: App;
  config: AppConfig;
  database: TestDatabase;
  services: SchoolServices;
  engine: WorkflowEngine;
  close(): Promise<void>;
}

/**
 * Builds a TestStack. `env` overrides configuration (e.g. SMTP_URL of a test SMTP server);
 * `services` replaces single services (a gateway pointed at a stand-in …). The worker runs
 * in-process unless `startWorker` is false; BullMQ is used when `redisUrl` is given.
 */
export async function createTestStack(
  options: {
    env?: Record<string, string>;
    services?: Partial<Pick<SchoolServices, 'gateway' | 'email' | 'sms'>>;
    startWorker?: boolean;
    workerConcurrency?: number;
    redisUrl?: string;
    database?: TestDatabase;
    /** A built web app to serve at `/` (see scripts/build-web.mjs). */
    webDir?: string;
    /** Builds the registry instead of the school's (e.g. a workflow with a fault seam). */
    registry?: (services: SchoolServices) => WorkflowRegistry;
  } = {},
): Promise<TestStack> {
  const database = options.database ?? (await createTestDatabase());
  const config = testConfig({ RATE_LIMIT_MAX: '0', PUBLIC_RATE_LIMIT_MAX: '100000', AUTH_RATE_LIMIT_MAX: '100000', ...options.env });
  const services = createServices(config, database.db, options.services ?? {});
  const registry = (options.registry ?? buildWorkflowRegistry)(services);
  const engine = await createTestEngine(database, registry, options.redisUrl ? { redisUrl: options.redisUrl } : {});
  services.workflows.bind(engine);
  if (options.startWorker !== false) await engine.startWorker({ concurrency: options.workerConcurrency ?? 8 });
  const app = await buildApp({ config, db: database.db, logger: false, tokens: testTokens, engine, services, webDir: options.webDir });
  await app.ready();
  return {
    app,
    config,
    database,
    services,
    engine,
    async close() {
      await app.close();
      await engine.stop({ timeoutMs: 5_000 });
      services.email.close();
      await database.dispose();
    },
  };
}
