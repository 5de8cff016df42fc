import { and, asc, count, eq, sql, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppConfig } from '../../config.js';
import type { Database } from '../../db/client.js';
import { teachers } from '../../db/schema/teachers.js';
import { users } from '../../db/schema/users.js';
import { errorResponse } from '../../http/error-schemas.js';
import { offsetOf, pageOf, pageQuery } from '../../http/pagination.js';
import { schoolSettings } from '../settings/reader.js';

const tags = ['public'];
const errors = { 400: errorResponse, 429: errorResponse };

/** Only what a public web page may show: never e-mail, phone, rates, capacity or the full last name. */
const publicTeacher = z.object({
  id: z.number().int(),
  firstName: z.string(),
  lastInitial: z.string(),
  /** "Sarah M." */
  displayName: z.string(),
  instruments: z.array(z.string()),
  bio: z.string().nullable(),
  acceptingStudents: z.boolean(),
});

const schoolView = z.object({
  name: z.string(),
  /** IANA zone every local date and time of the school is read in. */
  timezone: z.string(),
  currency: z.string(),
  email: z.string(),
  phone: z.string(),
});

const pricing = z.object({
  currency: z.string(),
  lessons: z.array(z.object({ durationMinutes: z.number().int(), amountCents: z.number().int() })),
  demoLessonCents: z.number().int(),
  instruments: z.array(z.string()),
});

/**
 * GET /api/v1/public/school, /public/teachers and /public/pricing: no token, rate limited per client. There is no
 * caller to run as, so these read through the owner connection and select public columns only.
 */
export const publicRoutes =
  (config: AppConfig, db: Database): FastifyPluginAsyncZod =>
  async (app) => {
    const access = { access: 'public' as const, rateLimit: { max: config.rateLimits.public, timeWindow: '1 minute' } };

    app.get(
      '/api/v1/public/teachers',
      {
        config: { ...access, readCache: true },
        schema: {
          tags,
          summary: 'Active teachers with public fields only',
          querystring: pageQuery.extend({ instrument: z.string().trim().toLowerCase().min(1).max(50).optional() }),
          response: { 200: pageOf(publicTeacher), ...errors },
        },
      },
      async (request) => {
        const { instrument } = request.query;
        const conditions: SQL[] = [eq(users.isActive, true)];
        if (instrument) conditions.push(sql`${instrument} = ANY(${teachers.instruments})`);
        const where = and(...conditions);
        const rows = await db.orm
          .select({
            id: teachers.id,
            firstName: users.firstName,
            lastName: users.lastName,
            instruments: teachers.instruments,
            bio: teachers.bio,
            accepting: sql<boolean>`(${teachers.isAvailable} AND app.active_student_count(${teachers.id}) < ${teachers.maxStudents})`,
          })
          .from(teachers)
          .innerJoin(users, eq(users.id, teachers.userId))
          .where(where)
          .orderBy(asc(users.firstName), asc(teachers.id))
          .limit(request.query.pageSize)
          .offset(offsetOf(request.query));
        const [total] = await db.orm.select({ n: count() }).from(teachers).innerJoin(users, eq(users.id, teachers.userId)).where(where);
        const data = rows.map((r) => {
          const lastInitial = [...r.lastName.trim()][0]?.toUpperCase() ?? '';
          return {
            id: r.id,
            firstName: r.firstName,
            lastInitial,
            displayName: `${r.firstName} ${lastInitial}.`,
            instruments: r.instruments,
            bio: r.bio,
            acceptingStudents: r.accepting,
          };
        });
        return { data, page: request.query.page, pageSize: request.query.pageSize, total: total?.n ?? 0 };
      },
    );

    app.get(
      '/api/v1/public/school',
      {
        config: { ...access, readCache: true },
        schema: { tags, summary: "The school's name, time zone, currency and contact (the web app's header)", response: { 200: schoolView, ...errors } },
      },
      async () => {
        const { school } = await schoolSettings(db, config).fresh();
        return { name: school.name, timezone: school.timezone, currency: school.currency, email: school.email, phone: school.phone };
      },
    );

    app.get(
      '/api/v1/public/pricing',
      { config: { ...access, readCache: true }, schema: { tags, summary: 'Lesson prices by length, from the settings', response: { 200: pricing, ...errors } } },
      async () => {
        // Read now: the answer is kept by the read cache, exact only if built from current settings.
        const settings = await schoolSettings(db, config).fresh();
        const lessons = Object.entries(settings.pricing.lessonCents)
          .map(([minutes, amountCents]) => ({ durationMinutes: Number(minutes), amountCents }))
          .filter((l) => settings.lessonDurations.includes(l.durationMinutes))
          .sort((a, b) => a.durationMinutes - b.durationMinutes);
        return { currency: settings.pricing.currency, lessons, demoLessonCents: settings.pricing.demoLessonCents, instruments: settings.instruments };
      },
    );
  };
