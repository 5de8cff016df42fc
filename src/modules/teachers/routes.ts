import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Database, Orm } from '../../db/client.js';
import { asCaller, type Caller } from '../auth/scoped.js';
import type { KnownSettings } from '../settings/types.js';
import { actorOf, callerOf } from '../auth/caller.js';
import { pageOf } from '../../http/pagination.js';
import { errors, idParams, noContent, security } from '../records/common.js';
import type { SchoolSettings } from '../settings/reader.js';
import { requireAdminOrSelf } from './access.js';
import { replaceWeeklyHours } from './hours.js';
import { detailOf, listTeachers } from './queries.js';
import * as s from './schemas.js';
import { createTeacher, patchTeacher } from './service.js';
import { removeTimeOff } from './time-off.js';
import { issuePasswordLink } from '../auth/service.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

const admin = { access: ['admin'] as const };
const staff = { access: ['admin', 'teacher'] as const };
const signedIn = { access: 'authenticated' as const };
const tags = ['teachers'];

/** What the teacher routes tell others, and the base URL of e-mailed links. */
export interface TeacherRouteHooks {
  /** Base URL of the web front end (config.publicAppUrl): the set-password link of a new account. */
  publicAppUrl: string;
  /** Mail was queued and committed (the set-password link): deliver it soon. */
  onMailQueued?: () => void;
  /** A committed change may have opened places (a teacher created, instruments, capacity, hours): the waitlist may move. */
  onPlacesChanged?: (cause: string, requestId: string) => void;
}

/**
 * /api/v1/teachers: the list for anyone signed in (public-safe fields; admins see rates, capacity and
 * load), profiles for admins and the teacher themself, weekly hours and time off.
 * GET /teachers/{id}/availability (free slots) belongs to the scheduling routes.
 */
export const teacherRoutes =
  (db: Database, schoolSettings: SchoolSettings, hooks: TeacherRouteHooks): FastifyPluginAsyncZod =>
  async (app) => {
    /** After a committed change that may open places for waitlisted families. */
    const placesChanged = (request: FastifyRequest, what: string): void => hooks.onPlacesChanged?.(`teacher ${what}`, request.id);
    // Settings read now: the profile answer may be kept by the read cache.
    const run = async <T>(request: FastifyRequest, work: (tx: Orm, caller: Caller, settings: KnownSettings) => Promise<T>): Promise<T> => {
      const caller = callerOf(request);
      const settings = await schoolSettings.fresh();
      return asCaller(db, caller, (tx) => work(tx, caller, settings));
    };

    app.get(
      '/api/v1/teachers',
      {
        config: { ...signedIn, readCache: true },
        schema: { tags, security, summary: 'List teachers', querystring: s.teacherListQuery, response: { 200: pageOf(s.teacherSummary), ...errors } },
      },
      async (request) => asCaller(db, callerOf(request), (tx) => listTeachers(tx, callerOf(request), request.query)),
    );

    app.post(
      '/api/v1/teachers',
      {
        config: admin,
        schema: {
          tags,
          security,
          summary: 'Create a teacher profile (for an existing teacher account, or with a new account)',
          body: s.createTeacherBody,
          response: { 201: s.teacherDetail, ...errors },
        },
      },
      async (request, reply) => {
        // As the owner (admin-only, like POST /users): the set-password link of a new account is
        // issued in the same transaction, and its token table is closed to the request role.
        const settings = await schoolSettings.fresh();
        const created = await db.orm.transaction(async (tx) => {
          const teacher = await createTeacher(tx as unknown as Orm, actorOf(request), request.body, settings.instruments, settings.timezone);
          const account = request.body.user;
          if (account && teacher.userId !== undefined) {
            await issuePasswordLink(
              sqlExecutorOf(tx as unknown as Orm),
              { id: teacher.userId, email: account.email.trim().toLowerCase(), firstName: account.firstName },
              'set_password',
              {
                publicAppUrl: hooks.publicAppUrl,
                schoolName: settings.school.name,
              },
            );
          }
          return teacher;
        });
        if (request.body.user) hooks.onMailQueued?.();
        placesChanged(request, `${created.id} created`);
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/api/v1/teachers/:id',
      {
        config: { ...staff, readCache: true },
        schema: {
          tags,
          security,
          summary: 'A teacher profile with weekly hours and upcoming time off (admin; the teacher themself)',
          params: idParams,
          response: { 200: s.teacherDetail, ...errors },
        },
      },
      async (request) =>
        run(request, async (tx, caller, settings) => {
          await requireAdminOrSelf(tx, caller, request.params.id);
          return detailOf(tx, request.params.id, settings.timezone);
        }),
    );

    app.patch(
      '/api/v1/teachers/:id',
      {
        config: staff,
        schema: {
          tags,
          security,
          summary: 'Change a teacher profile (a teacher: own bio only)',
          params: idParams,
          body: s.patchTeacherBody,
          response: { 200: s.teacherDetail, ...errors },
        },
      },
      async (request) => {
        const changed = await run(request, (tx, caller, settings) =>
          patchTeacher(tx, caller, actorOf(request), request.params.id, request.body, settings.instruments, settings.timezone),
        );
        placesChanged(request, `${request.params.id} updated`);
        return changed;
      },
    );

    app.put(
      '/api/v1/teachers/:id/availability',
      {
        config: staff,
        schema: {
          tags,
          security,
          summary: 'Replace the weekly hours (local school time)',
          description: 'Body: [{weekday 1–7 (ISO, 1 = Monday), start "HH:MM", end "HH:MM"}] or {weeklyHours: [...]}. An empty list clears the hours.',
          params: idParams,
          body: s.weeklyHoursBody,
          response: { 200: s.weeklyHours, ...errors },
        },
      },
      async (request) => {
        const hours = await run(request, async (tx, caller, settings) => {
          await requireAdminOrSelf(tx, caller, request.params.id);
          const [blocks, prefix] = Array.isArray(request.body) ? [request.body, 'body'] : [request.body.weeklyHours, 'body.weeklyHours'];
          const weeklyHours = await replaceWeeklyHours(tx, actorOf(request), request.params.id, blocks, prefix);
          return { teacherId: request.params.id, timezone: settings.timezone, weeklyHours };
        });
        placesChanged(request, `${request.params.id} hours changed`);
        return hours;
      },
    );

    // POST /teachers/{id}/time-off acts on the lessons it covers: the disruptions module serves it.

    app.delete(
      '/api/v1/teachers/:id/time-off/:timeOffId',
      { config: staff, schema: { tags, security, summary: 'Remove time off', params: s.timeOffParams, response: { 204: noContent, ...errors } } },
      async (request, reply) => {
        await run(request, async (tx, caller) => {
          await requireAdminOrSelf(tx, caller, request.params.id);
          await removeTimeOff(tx, actorOf(request), request.params.id, request.params.timeOffId);
        });
        return reply.status(204).send(null);
      },
    );
  };
