import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Caller } from '../auth/scoped.js';
import { calendarFeeds, type CalendarFeed, type CalendarFeedOwnerKind } from '../../db/schema/calendar.js';
import { forbidden, notFound } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { scoped, teacherIdOf } from '../lessons/db.js';
import { badField, settingsOf, type LessonDeps } from '../lessons/deps.js';
import { feedCalendar, type FeedLesson } from './ics.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

const DAY = 86_400_000;
/** A feed shows lessons from this many days ago up to this many days ahead. */
export const FEED_WINDOW = { pastDays: 60, futureDays: 400 };

/** 256 random bits, hex (URL-safe, no separators that confuse routers). */
const newToken = (): string => randomBytes(32).toString('hex');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface FeedView {
  id: number;
  ownerKind: CalendarFeedOwnerKind;
  ownerId: number;
  createdAt: string;
  revokedAt: string | null;
}

export const feedView = (row: CalendarFeed): FeedView => ({
  id: row.id,
  ownerKind: row.ownerKind,
  ownerId: (row.ownerKind === 'teacher' ? row.teacherId : row.parentId) ?? 0,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

/**
 * Makes a secret feed link. Teachers get their own lessons, parents their family's; an admin names
 * the owner (a teacher id, or a parent's user id). The token is returned once; only its hash is kept.
 */
export async function createFeed(
  deps: LessonDeps,
  caller: Caller,
  actor: AuditActor,
  body: { ownerKind?: CalendarFeedOwnerKind | undefined; ownerId?: number | undefined },
): Promise<FeedView & { token: string }> {
  const token = newToken();
  const row = await scoped(deps.db, caller, async (tx) => {
    let owner: { kind: CalendarFeedOwnerKind; id: number };
    if (caller.role === 'admin') {
      if (!body.ownerKind || body.ownerId === undefined) throw badField('body.ownerId', 'an admin names the owner: ownerKind and ownerId');
      const exists = body.ownerKind === 'teacher' ? 'SELECT 1 FROM teachers WHERE id = $1' : "SELECT 1 FROM users WHERE id = $1 AND role = 'parent'";
      if ((await sqlExecutorOf(tx).query(exists, [body.ownerId])).length === 0) throw badField('body.ownerId', `No ${body.ownerKind} ${body.ownerId}`);
      owner = { kind: body.ownerKind, id: body.ownerId };
    } else {
      const self = caller.role === 'teacher' ? { kind: 'teacher' as const, id: (await teacherIdOf(tx, caller)) ?? 0 } : { kind: 'parent' as const, id: caller.userId };
      if ((body.ownerKind && body.ownerKind !== self.kind) || (body.ownerId !== undefined && body.ownerId !== self.id)) {
        throw forbidden('You may make a calendar feed of your own lessons only');
      }
      owner = self;
    }
    const [created] = await tx
      .insert(calendarFeeds)
      .values({
        ownerKind: owner.kind,
        teacherId: owner.kind === 'teacher' ? owner.id : null,
        parentId: owner.kind === 'parent' ? owner.id : null,
        tokenHash: hashToken(token),
        createdBy: caller.userId,
      })
      .returning();
    await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'calendar_feed', entityId: created!.id, after: feedView(created!) });
    return created!;
  });
  return { ...feedView(row), token };
}

/** The caller's feeds (admins: all), newest first, without tokens. */
export async function listFeeds(deps: LessonDeps, caller: Caller): Promise<FeedView[]> {
  const rows = await scoped(deps.db, caller, (tx) => tx.select().from(calendarFeeds).orderBy(desc(calendarFeeds.id)).limit(200));
  return rows.map(feedView);
}

/**
 * Revokes a feed (idempotent, also when several revocations race: the one whose update takes the
 * row writes the audit, the others find it revoked); another user's feed is 404.
 */
export async function revokeFeed(deps: LessonDeps, caller: Caller, actor: AuditActor, id: number): Promise<void> {
  await scoped(deps.db, caller, async (tx) => {
    const [feed] = await tx.select().from(calendarFeeds).where(eq(calendarFeeds.id, id));
    if (!feed) throw notFound(`Calendar feed ${id}`);
    if (feed.revokedAt) return;
    const [revoked] = await tx
      .update(calendarFeeds)
      .set({ revokedAt: new Date(deps.now()) })
      .where(and(eq(calendarFeeds.id, id), isNull(calendarFeeds.revokedAt)))
      .returning();
    if (!revoked) return;
    await recordAudit(sqlExecutorOf(tx), actor, { action: 'revoke', entity: 'calendar_feed', entityId: id, before: feedView(feed), after: feedView(revoked!) });
  });
}

/**
 * The .ics text behind a token, or undefined for an unknown or revoked token, in the school's name
 * (settings). Public: the token is the credential, so this reads as the owner role and filters to
 * the feed owner's lessons itself. No notes of either kind are ever in a feed.
 */
export async function feedText(deps: LessonDeps, token: string): Promise<string | undefined> {
  const [feed] = await deps.db.sql.query<{ owner_kind: CalendarFeedOwnerKind; teacher_id: number | null; parent_id: number | null }>(
    'SELECT owner_kind, teacher_id, parent_id FROM calendar_feeds WHERE token_hash = $1 AND revoked_at IS NULL',
    [hashToken(token)],
  );
  if (!feed) return undefined;
  const now = deps.now();
  const lessons = await deps.db.sql.query<FeedLesson>(
    `SELECT l.id, l.scheduled_at AS "scheduledAt", l.ends_at AS "endsAt", l.updated_at AS "updatedAt", l.status,
            l.lesson_type AS "lessonType", s.instrument, s.first_name || ' ' || s.last_name AS "studentName",
            tu.first_name || ' ' || tu.last_name AS "teacherName"
     FROM lessons l
     JOIN students s ON s.id = l.student_id
     JOIN teachers t ON t.id = l.teacher_id
     JOIN users tu ON tu.id = t.user_id
     WHERE ($1::int IN (l.teacher_id, l.substitute_teacher_id) OR s.parent_id = $2) AND l.scheduled_at >= $3 AND l.scheduled_at < $4
     ORDER BY l.scheduled_at, l.id`,
    [feed.teacher_id, feed.parent_id, new Date(now - FEED_WINDOW.pastDays * DAY).toISOString(), new Date(now + FEED_WINDOW.futureDays * DAY).toISOString()],
  );
  const { school } = await settingsOf(deps);
  return feedCalendar({ school: { name: school.name, email: school.email }, audience: feed.owner_kind, lessons, stamp: new Date(now) });
}
