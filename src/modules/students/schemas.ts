import { z } from 'zod';
import { skillLevels } from '../../db/schema/students.js';
import { pageQuery } from '../../http/pagination.js';
import { activeFilter, idNumber, isoDate } from '../records/common.js';

const personName = z.string().trim().min(1).max(50);

/** Writable fields. Money is integer cents: lessonRateCents 3000–20000 (CAD 30–200 per lesson). */
const fields = {
  parentId: idNumber.describe('An active user with the role parent'),
  teacherId: idNumber.nullable().optional().describe('An active teacher who teaches the instrument and has room'),
  firstName: personName,
  lastName: personName,
  email: z.email().max(200).nullable().optional(),
  dateOfBirth: isoDate.describe('YYYY-MM-DD, not in the future'),
  instrument: z.string().trim().toLowerCase().min(1).max(50).describe('One of the instruments setting'),
  skillLevel: z.enum(skillLevels).optional().describe('Default beginner'),
  lessonRateCents: z.number().int().min(3000, 'must be at least 3000 cents (CAD 30)').max(20000, 'must be at most 20000 cents (CAD 200)'),
  enrollmentDate: isoDate.optional().describe('Default today (school time)'),
  isActive: z.boolean().optional(),
  notes: z.string().max(2000).nullable().optional(),
};

/** POST and PUT: the whole student. PUT resets omitted optional fields (teacherId, email, notes → null; skillLevel → beginner). */
export const studentBody = z.object(fields);
/** PATCH: any subset. */
export const studentPatch = z.object(fields).partial();
export type StudentBody = z.infer<typeof studentBody>;
export type StudentPatch = z.infer<typeof studentPatch>;

export const studentSorts = ['lastName', 'firstName', 'createdAt', 'enrollmentDate', 'dateOfBirth', 'instrument', 'id'] as const;
export type StudentSort = (typeof studentSorts)[number];

export const studentListQuery = pageQuery.extend({
  instrument: z.string().trim().toLowerCase().min(1).max(50).optional(),
  teacherId: idNumber.optional(),
  parentId: idNumber.optional(),
  skillLevel: z.enum(skillLevels).optional(),
  active: activeFilter.default('true').describe('true (default), false (soft-deleted only) or all'),
  q: z.string().trim().min(1).max(100).optional().describe('Part of the first or last name, case-insensitive'),
  sort: z
    .enum([...studentSorts, ...studentSorts.map((s) => `-${s}` as const)])
    .default('lastName')
    .describe('A field, descending with a leading "-"; ties break by last name, first name, id'),
});
export type StudentListQuery = z.infer<typeof studentListQuery>;

export const student = z.object({
  id: z.number().int(),
  parentId: z.number().int(),
  parentName: z.string().nullable(),
  teacherId: z.number().int().nullable(),
  teacherName: z.string().nullable(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().nullable(),
  dateOfBirth: z.string(),
  age: z.number().int(),
  instrument: z.string(),
  skillLevel: z.enum(skillLevels),
  lessonRateCents: z.number().int(),
  enrollmentDate: z.string(),
  isActive: z.boolean(),
  /** Active with an assigned teacher: the brief's can_schedule_lesson. */
  canSchedule: z.boolean(),
  /** Staff notes; not shown to parents. */
  notes: z.string().nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StudentView = z.infer<typeof student>;
