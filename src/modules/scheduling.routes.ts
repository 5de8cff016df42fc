import type { FastifyPluginAsync } from 'fastify';
import { calendarRoutes } from './calendar/routes.js';
import { availabilityRoutes } from './lessons/availability-routes.js';
import type { LessonDeps } from './lessons/deps.js';
import { lessonRoutes } from './lessons/routes.js';
import type { DomainDeps } from './records.routes.js';

/**
 * Scheduling: availability and free slots, lessons, recurring series, calendar feeds, public
 * timeslots. `now` is injectable for tests; it defaults to the clock.
 */
export const schedulingRoutes =
  (deps: DomainDeps & { now?: () => number }): FastifyPluginAsync =>
  async (app) => {
    // Tests read settings fresh; a server reuses them for 1 s.
    const testing = deps.config.env === 'test';
    const lessonDeps: LessonDeps = { db: deps.db, config: deps.config, now: deps.now ?? Date.now, settingsTtlMs: testing ? 0 : 1000 };
    await app.register(lessonRoutes(lessonDeps));
    await app.register(availabilityRoutes(lessonDeps, { publicPerMinute: deps.config.rateLimits.public }));
    await app.register(calendarRoutes(lessonDeps));
  };
