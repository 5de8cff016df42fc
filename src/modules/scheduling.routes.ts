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
    // Tests read settings and slots fresh; a server reuses settings for 1 s and public slots for 10 s.
    const testing = deps.config.env === 'test';
    const lessonDeps: LessonDeps = { db: deps.db, config: deps.config, now: deps.now ?? Date.now, settingsTtlMs: testing ? 0 : 1000 };
    await app.register(lessonRoutes(lessonDeps));
    await app.register(availabilityRoutes(lessonDeps, { publicPerMinute: deps.config.rateLimits.public, publicCacheTtlMs: testing ? 0 : 10_000 }));
    await app.register(calendarRoutes(lessonDeps));
  };
