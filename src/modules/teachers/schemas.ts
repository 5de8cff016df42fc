import { z } from 'zod';
import { boundedInstant } from '../../http/date-schemas.js';
import { pageQuery } from '../../http/pagination.js';
import { activeFilter, idNumber } from '../records/common.js';

const instrument = z.string().trim().toLowerCase().min(1).max(50);
const instruments = z
  .array(instrument)
  .min(1, 'a teacher teaches at least one instrument')
  .max(20)
  .refine((list) => new Set(list).size === list.length, 'must not repeat an instrument');
/** 3000–20000 cents (CAD 30–200 an hour). */
const hourlyRateCents = z.number().int().min(3000, 'must be at least 3000 cents (CAD 30)').max(20000, 'must be at most 20000 cents (CAD 200)');
const maxStudents = z.number().int().min(1).max(50);
const bio = z.string().trim().max(2000).nullable();

const profile = { instruments, hourlyRateCents, maxStudents: maxStudents.optional().describe('Default 30'), isAvailable: z.boolean().optional(), bio: bio.optional() };

/**
 * POST /teachers: either `userId` (an existing user with the role teacher and no profile yet) or
 * `user` (a new account is created with no password; the teacher sets one through password reset).
 */
export const createTeacherBody = z.object({
  userId: idNumber.optional(),
  user: z
    .object({
      email: z.email().max(200),
      firstName: z.string().trim().min(1).max(50),
      lastName: z.string().trim().min(1).max(50),
      phone: z.string().trim().min(1).max(40).nullable().optional(),
    })
    .optional(),
  ...profile,
});
export type CreateTeacherBody = z.infer<typeof createTeacherBody>;

/** PATCH: admins change any of these; a teacher may change only their own bio. */
export const patchTeacherBody = z.object({ instruments, hourlyRateCents, maxStudents, isAvailable: z.boolean(), bio }).partial();
export type PatchTeacherBody = z.infer<typeof patchTeacherBody>;

export const teacherListQuery = pageQuery.extend({
  instrument: instrument.optional(),
  available: z.enum(['true', 'false']).optional().describe('true: accepting students (available and below capacity); false: not'),
  q: z.string().trim().min(1).max(100).optional().describe('Part of the name'),
  active: activeFilter.default('true').describe('Admins only: true (default), false or all; others always see active teachers'),
});
export type TeacherListQuery = z.infer<typeof teacherListQuery>;

/** Everyone signed in sees these; admins also the optional ones. */
export const teacherSummary = z.object({
  id: z.number().int(),
  firstName: z.string(),
  lastName: z.string(),
  instruments: z.array(z.string()),
  bio: z.string().nullable(),
  isAvailable: z.boolean(),
  /** Available, active and below capacity. */
  acceptingStudents: z.boolean(),
  userId: z.number().int().optional(),
  email: z.string().optional(),
  phone: z.string().nullable().optional(),
  hourlyRateCents: z.number().int().optional(),
  maxStudents: z.number().int().optional(),
  studentCount: z.number().int().optional(),
  isActive: z.boolean().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type TeacherSummary = z.infer<typeof teacherSummary>;

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
export const weeklyBlock = z.object({
  weekday: z.number().int().min(1).max(7).describe('ISO weekday: 1 = Monday … 7 = Sunday'),
  start: z.string().regex(hhmm, 'must be HH:MM (00:00–23:59)'),
  end: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM (00:01–24:00)'),
});
export type WeeklyBlock = z.infer<typeof weeklyBlock>;
const blocks = z.array(weeklyBlock).max(100);
/** PUT availability: the weekly hours (local school time) as an array, or as {weeklyHours: [...]}. */
export const weeklyHoursBody = z.union([z.object({ weeklyHours: blocks }), blocks]);
export const weeklyHours = z.object({ teacherId: z.number().int(), timezone: z.string(), weeklyHours: z.array(weeklyBlock) });

export const timeOffBody = z.object({
  startsAt: boundedInstant.describe('ISO 8601 with offset'),
  endsAt: boundedInstant,
  reason: z.string().trim().max(500).nullable().optional(),
});
export const timeOff = z.object({ id: z.number().int(), teacherId: z.number().int(), startsAt: z.string(), endsAt: z.string(), reason: z.string().nullable() });

export const teacherDetail = teacherSummary.extend({ timezone: z.string(), weeklyHours: z.array(weeklyBlock), upcomingTimeOff: z.array(timeOff) });
export type TeacherDetail = z.infer<typeof teacherDetail>;

export const timeOffParams = z.object({ id: idNumber, timeOffId: idNumber });
