import { z } from 'zod';
import { boundedDate } from '../../http/date-schemas.js';
import { pageQuery } from '../../http/pagination.js';
import { idNumber } from '../records/common.js';

// Request and answer shapes of the progress routes. Dates are 'YYYY-MM-DD', local days in the school's zone.

export const goalStatuses = ['active', 'achieved', 'dropped'] as const;
export const pieceStatuses = ['learning', 'polishing', 'performed'] as const;
export const examBodies = ['RCM', 'ABRSM', 'Conservatory Canada', 'Trinity', 'other'] as const;
export const assessmentResults = ['pending', 'pass', 'merit', 'honours', 'first_class_honours', 'distinction', 'fail'] as const;

const title = z.string().trim().min(1, 'must not be empty').max(200);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
const optionalDate = boundedDate.nullable().optional();

export const studentParams = z.object({ id: idNumber });
export const goalParams = studentParams.extend({ goalId: idNumber });
export const pieceParams = studentParams.extend({ pieceId: idNumber });
export const assessmentParams = studentParams.extend({ assessmentId: idNumber });

/** A patch must name at least one field. */
const someField = { message: 'name at least one field to change' };
const hasField = (body: Record<string, unknown>): boolean => Object.values(body).some((v) => v !== undefined);

export const goalBody = z.object({
  title,
  description: optionalText(2000),
  setOn: boundedDate.optional().describe('The day the goal was set; default today'),
  targetDate: optionalDate.describe('On or after setOn'),
  status: z.enum(goalStatuses).default('active'),
  achievedOn: optionalDate.describe('Only for an achieved goal; default today when the status becomes achieved; not in the future'),
});
export const goalPatch = goalBody
  .partial()
  .extend({ status: z.enum(goalStatuses).optional() })
  .refine(hasField, someField);

export const pieceBody = z.object({
  title,
  composer: optionalText(200),
  status: z.enum(pieceStatuses).default('learning'),
  startedOn: boundedDate.optional().describe('Default today'),
  performedOn: optionalDate.describe('Only for a performed piece; default today when the status becomes performed; not in the future'),
  performedWhere: optionalText(200).describe('Only for a performed piece: a recital, festival, exam'),
});
export const piecePatch = pieceBody
  .partial()
  .extend({ status: z.enum(pieceStatuses).optional() })
  .refine(hasField, someField);

export const assessmentBody = z.object({
  examBody: z.enum(examBodies),
  level: z.string().trim().min(1, 'must not be empty').max(100).describe('e.g. Grade 4, Level 8, Preparatory A'),
  assessedOn: boundedDate.describe('The exam day'),
  result: z.enum(assessmentResults).default('pending'),
  mark: z.number().int().min(0).max(150).nullable().optional().describe('As the exam body reports it (RCM out of 100, ABRSM out of 150)'),
  notes: optionalText(2000),
});
export const assessmentPatch = assessmentBody
  .partial()
  .extend({ result: z.enum(assessmentResults).optional() })
  .refine(hasField, someField);

const stamps = { createdAt: z.string(), updatedAt: z.string() };

export const goalView = z.object({
  id: z.number().int(),
  studentId: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  setOn: z.string(),
  targetDate: z.string().nullable(),
  status: z.enum(goalStatuses),
  achievedOn: z.string().nullable(),
  ...stamps,
});
export type GoalView = z.infer<typeof goalView>;

export const pieceView = z.object({
  id: z.number().int(),
  studentId: z.number().int(),
  title: z.string(),
  composer: z.string().nullable(),
  status: z.enum(pieceStatuses),
  startedOn: z.string(),
  performedOn: z.string().nullable(),
  performedWhere: z.string().nullable(),
  ...stamps,
});
export type PieceView = z.infer<typeof pieceView>;

export const assessmentView = z.object({
  id: z.number().int(),
  studentId: z.number().int(),
  examBody: z.enum(examBodies),
  level: z.string(),
  assessedOn: z.string(),
  result: z.enum(assessmentResults),
  mark: z.number().int().nullable(),
  notes: z.string().nullable(),
  ...stamps,
});
export type AssessmentView = z.infer<typeof assessmentView>;

export const progressListQuery = pageQuery;
