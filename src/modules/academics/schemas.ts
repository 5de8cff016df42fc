import { z } from 'zod';
import { answerDate } from '../../http/date-schemas.js';
import { pageQuery } from '../../http/pagination.js';
import { idNumber, isoDate } from '../records/common.js';

// Dates are inclusive 'YYYY-MM-DD' days in the school's calendar.

const name = z.string().trim().min(1).max(100);
const range = { startsOn: isoDate, endsOn: isoDate };
const shownRange = { startsOn: answerDate, endsOn: answerDate };
const stamps = { createdAt: z.string(), updatedAt: z.string() };

export const yearBody = z.object({ name, ...range });
export const yearPatch = yearBody.partial();
export const academicYear = z.object({ id: z.number().int(), name: z.string(), ...shownRange, ...stamps });

export const semesterBody = z.object({ academicYearId: idNumber, name, ...range });
export const semesterPatch = semesterBody.partial();
export const semester = z.object({ id: z.number().int(), academicYearId: z.number().int(), name: z.string(), ...shownRange, ...stamps });

export const closureBody = z.object({
  name,
  ...range,
  academicYearId: idNumber.nullable().optional().describe('Omitted: the academic year holding the dates, if any'),
});
export const closurePatch = closureBody.partial();
export const closure = z.object({ id: z.number().int(), academicYearId: z.number().int().nullable(), name: z.string(), ...shownRange, ...stamps });

export const yearListQuery = pageQuery;
export const semesterListQuery = pageQuery.extend({ academicYearId: idNumber.optional() });
export const closureListQuery = pageQuery.extend({
  from: isoDate.optional().describe('Closures ending on or after this day'),
  to: isoDate.optional().describe('Closures starting on or before this day'),
  academicYearId: idNumber.optional(),
});

export type YearBody = z.infer<typeof yearBody>;
export type SemesterBody = z.infer<typeof semesterBody>;
export type ClosureBody = z.infer<typeof closureBody>;
export type AcademicYearView = z.infer<typeof academicYear>;
export type SemesterView = z.infer<typeof semester>;
export type ClosureView = z.infer<typeof closure>;
