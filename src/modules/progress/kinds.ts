import type { FieldIssue } from '../../http/errors.js';

/**
 * The three kinds of progress record, described once so one set of functions (records.ts) lists,
 * creates, changes and deletes them all. A record is a flat object of API fields (camelCase).
 */
export type ProgressRecord = Record<string, unknown>;

export interface ProgressKind {
  /** Table (migration 0028). */
  table: 'student_goals' | 'student_pieces' | 'student_assessments';
  /** Audit entity name. */
  entity: 'student_goal' | 'student_piece' | 'student_assessment';
  /** What the API calls one (messages). */
  label: string;
  /** Writable API field → column; date columns are read back as text. */
  columns: Record<string, string>;
  dateFields: readonly string[];
  /** The order of lists: column list. */
  orderBy: string;
  /**
   * Fills defaults and checks the rules between fields of `record` (the merged result of a create
   * or a patch); `given` are the fields the request named, `today` the school's local date.
   * Mutates `record`; returns the issues (field names as in the body: `body.targetDate`).
   */
  settle(record: ProgressRecord, given: ProgressRecord, today: string): FieldIssue[];
}

const issue = (field: string, message: string): FieldIssue => ({ field: `body.${field}`, message });

/**
 * A status that carries dated fields (`achievedOn` for an achieved goal, `performedOn`/`performedWhere`
 * for a performed piece): entering it defaults the date to today; the fields are refused with
 * another status when the request names them, and cleared when an earlier status change leaves them.
 */
function settleDatedStatus(record: ProgressRecord, given: ProgressRecord, today: string, status: string, fields: readonly string[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const [dateField] = fields as [string];
  if (record.status === status) {
    if (record[dateField] === null || record[dateField] === undefined) record[dateField] = today;
    return issues;
  }
  for (const field of fields) {
    if (given[field] !== undefined && given[field] !== null) issues.push(issue(field, `only a record with status ${status} has ${field}`));
    record[field] = null;
  }
  return issues;
}

/** `later` (a date field) must not come before `earlier`, nor after today when `notFuture`. */
function checkOrder(record: ProgressRecord, later: string, earlier: string, today: string, notFuture: boolean): FieldIssue[] {
  const value = record[later];
  if (typeof value !== 'string') return [];
  if (typeof record[earlier] === 'string' && value < (record[earlier] as string)) return [issue(later, `must be on or after ${earlier} (${record[earlier] as string})`)];
  if (notFuture && value > today) return [issue(later, `must not be in the future (today is ${today})`)];
  return [];
}

export const goals: ProgressKind = {
  table: 'student_goals',
  entity: 'student_goal',
  label: 'Goal',
  columns: { title: 'title', description: 'description', setOn: 'set_on', targetDate: 'target_date', status: 'status', achievedOn: 'achieved_on' },
  dateFields: ['setOn', 'targetDate', 'achievedOn'],
  orderBy: 'set_on, id',
  settle(record, given, today) {
    record.setOn ??= today;
    const issues = settleDatedStatus(record, given, today, 'achieved', ['achievedOn']);
    return [...issues, ...checkOrder(record, 'targetDate', 'setOn', today, false), ...checkOrder(record, 'achievedOn', 'setOn', today, true)];
  },
};

export const pieces: ProgressKind = {
  table: 'student_pieces',
  entity: 'student_piece',
  label: 'Piece',
  columns: { title: 'title', composer: 'composer', status: 'status', startedOn: 'started_on', performedOn: 'performed_on', performedWhere: 'performed_where' },
  dateFields: ['startedOn', 'performedOn'],
  orderBy: 'started_on, id',
  settle(record, given, today) {
    record.startedOn ??= today;
    const issues = settleDatedStatus(record, given, today, 'performed', ['performedOn', 'performedWhere']);
    return [...issues, ...checkOrder(record, 'performedOn', 'startedOn', today, true)];
  },
};

export const assessments: ProgressKind = {
  table: 'student_assessments',
  entity: 'student_assessment',
  label: 'Assessment',
  columns: { examBody: 'exam_body', level: 'level', assessedOn: 'assessed_on', result: 'result', mark: 'mark', notes: 'notes' },
  dateFields: ['assessedOn'],
  orderBy: 'assessed_on, id',
  settle(record, given, today) {
    // A result other than pending is known only once the exam has taken place. The issue names
    // the result, or the date when only the date was given (a patch moving a graded exam ahead).
    if (record.result !== 'pending' && typeof record.assessedOn === 'string' && record.assessedOn > today) {
      const field = given.result === undefined && given.assessedOn !== undefined ? 'assessedOn' : 'result';
      return [issue(field, `an exam on ${record.assessedOn} has no result yet (only pending before the exam day)`)];
    }
    return [];
  },
};

/** `SELECT` list of a kind: API names, dates as text, timestamps as instants. */
export function selectList(kind: ProgressKind): string {
  const fields = Object.entries(kind.columns).map(([field, column]) => (kind.dateFields.includes(field) ? `${column}::text AS "${field}"` : `${column} AS "${field}"`));
  return ['id', 'student_id AS "studentId"', ...fields, 'created_at AS "createdAt"', 'updated_at AS "updatedAt"'].join(', ');
}
