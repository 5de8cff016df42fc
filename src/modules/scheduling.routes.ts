import type { FastifyPluginAsync } from 'fastify';
import { calendarRoutes } from './calendar/routes.js';
import { availabilityRoutes } from './lessons/availability-routes.js';
import { makeupCreditRoutes } from './lessons/credit-routes.js';
import type { LessonDeps } from './lessons/deps.js';
import { lessonRoutes } from './lessons/routes.js';
import type { DomainDeps } from './records.routes.js';
import type { WorkflowStarter } from './services.js';

/**
 * Scheduling: availability and free slots, lessons, recurring series, calendar feeds, public
 * timeslots. `workflows` starts the notices of lesson changes; `now` is injectable for tests; it
 * defaults to the clock.
 */
export const schedulingRoutes =
  (deps: DomainDeps & { workflows: WorkflowStarter; now?: () => number }): FastifyPluginAsync =>
  async (app) => {
    // Settings are read fresh: an answer built from them may be kept by the read cache, which is
    // exact only if everything it was built from was current (hot reads are served from it anyway).
    const lessonDeps: LessonDeps = { db: deps.db, config: deps.config, now: deps.now ?? Date.now, workflows: deps.workflows, settingsTtlMs: 0 };
    await app.register(lessonRoutes(lessonDeps));
    await app.register(availabilityRoutes(lessonDeps, { publicPerMinute: deps.config.rateLimits.public }));
    await app.register(calendarRoutes(lessonDeps));
    await app.register(makeupCreditRoutes(lessonDeps));
  };
