import type { FastifyPluginAsync } from 'fastify';
import type { AppConfig } from '../config.js';
import type { Database } from '../db/client.js';
import { academicsRoutes } from './academics/routes.js';
import { auditRoutes } from './audit/routes.js';
import { demoRoutes } from './demo/routes.js';
import { publicRoutes } from './public/routes.js';
import { schoolSettings } from './settings/reader.js';
import { SettingsService } from './settings/service.js';
import { settingsRoutes } from './settings/routes.js';
import { StudentsService } from './students/service.js';
import { studentRoutes } from './students/routes.js';
import { teacherRoutes } from './teachers/routes.js';
import { waitlistMayMove } from './enrollments/workflows/waitlist-moves.js';
import { deliverQueuedMailSoon } from './notifications/send.js';
import type { WorkflowStarter } from './services.js';

/** What the domain route plugins need. */
export interface DomainDeps {
  config: AppConfig;
  db: Database;
  /** The workflow starter: mail delivery and the waitlist follow changes made here (absent: they wait for their cron). */
  workflows?: WorkflowStarter;
}

/**
 * School records: settings, academic calendar, teachers (profile, weekly hours, time off),
 * students, public teachers and pricing, audit log, removal of the demo school.
 */
export const recordsRoutes =
  (deps: DomainDeps): FastifyPluginAsync =>
  async (app) => {
    const settings = schoolSettings(deps.db, deps.config);
    await app.register(settingsRoutes(new SettingsService(deps.db, settings)));
    await app.register(academicsRoutes(deps.db));
    const { workflows } = deps;
    const onPlacesChanged = workflows ? (cause: string, requestId: string) => waitlistMayMove(workflows, cause, requestId) : undefined;
    await app.register(
      teacherRoutes(deps.db, settings, {
        publicAppUrl: deps.config.publicAppUrl,
        ...(workflows ? { onMailQueued: () => deliverQueuedMailSoon(workflows) } : {}),
        ...(onPlacesChanged ? { onPlacesChanged } : {}),
      }),
    );
    await app.register(studentRoutes(new StudentsService(deps.db, settings), onPlacesChanged));
    await app.register(publicRoutes(deps.config, deps.db));
    await app.register(auditRoutes(deps.db));
    await app.register(demoRoutes(deps.db));
  };
