import type { FastifyPluginAsync } from 'fastify';
import type { DomainDeps } from './records.routes.js';

/** Scheduling: availability and free slots, lessons, recurring series, calendar feeds, public timeslots. */
export const schedulingRoutes =
  (_deps: DomainDeps): FastifyPluginAsync =>
  async () => {};
