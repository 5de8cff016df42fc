import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig } from '../config.js';
import type { Database } from '../db/client.js';

/** What the domain route plugins need. */
export interface DomainDeps {
  config: AppConfig;
  db: Database;
}

/**
 * School records: settings, academic calendar, teachers (profile, weekly hours, time off),
 * students, public teachers and pricing, audit log.
 */
export const recordsRoutes =
  (_deps: DomainDeps): FastifyPluginAsync =>
  async () => {};
