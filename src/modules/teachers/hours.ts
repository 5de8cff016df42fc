import { eq, sql } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import { teacherAvailability } from '../../db/schema/teachers.js';
import { validationFailed, type FieldIssue } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { weeklyHoursOf } from './queries.js';
import type { WeeklyBlock } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

const dayNames = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const label = (b: WeeklyBlock): string => `${dayNames[b.weekday]} ${b.start}–${b.end}`;

/**
 * Each block ends after it starts, and no two blocks of one weekday overlap (touching is fine:
 * 09:00–12:00 and 12:00–15:00). Issues name the entry: `<prefix>.<index>[.end]`.
 */
export function checkWeeklyHours(blocks: readonly WeeklyBlock[], prefix: string): void {
  const issues: FieldIssue[] = [];
  blocks.forEach((block, i) => {
    if (block.end <= block.start) issues.push({ field: `${prefix}.${i}.end`, message: `must be after start (${block.start})` });
  });
  if (issues.length === 0) {
    const order = blocks
      .map((block, index) => ({ block, index }))
      .sort((a, b) => a.block.weekday - b.block.weekday || a.block.start.localeCompare(b.block.start) || a.index - b.index);
    for (let k = 1; k < order.length; k += 1) {
      const prev = order[k - 1]!;
      const cur = order[k]!;
      if (prev.block.weekday === cur.block.weekday && cur.block.start < prev.block.end) {
        const [first, second] = prev.index < cur.index ? [prev, cur] : [cur, prev];
        issues.push({ field: `${prefix}.${second.index}`, message: `${label(second.block)} overlaps entry ${first.index} (${label(first.block)})` });
      }
    }
  }
  if (issues.length > 0) throw validationFailed(issues);
}

/** Advisory lock class of a teacher's weekly hours (the second key is the teacher id). */
const WEEKLY_HOURS_LOCK = 727_364_103;

/**
 * Replaces every weekly block of the teacher (local school time), with one audit row. Replacements
 * of one teacher's hours run one after another (a transaction-level advisory lock): two at once
 * would each delete the rows they see and insert theirs, and the later insert would hit the
 * other's rows (a duplicate key). The last one wins, as with any PUT.
 */
export async function replaceWeeklyHours(tx: Orm, actor: AuditActor, teacherId: number, blocks: readonly WeeklyBlock[], prefix: string): Promise<WeeklyBlock[]> {
  checkWeeklyHours(blocks, prefix);
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${WEEKLY_HOURS_LOCK}::int, ${teacherId}::int)`);
  const before = await weeklyHoursOf(tx, teacherId);
  await tx.delete(teacherAvailability).where(eq(teacherAvailability.teacherId, teacherId));
  if (blocks.length > 0) {
    await tx.insert(teacherAvailability).values(blocks.map((b) => ({ teacherId, weekday: b.weekday, startTime: `${b.start}:00`, endTime: `${b.end}:00` })));
  }
  const after = await weeklyHoursOf(tx, teacherId);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'update', entity: 'teacher_availability', entityId: teacherId, before, after });
  return after;
}
