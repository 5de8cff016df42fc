import { DateTime } from 'luxon';
import type { Role } from '../../src/modules/auth/access.js';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';

export type TestUser = Awaited<ReturnType<typeof createUser>>;

/** A records test world: an app on a fresh database with an admin, two parents and two teachers. */
export interface World {
  t: TestApp;
  admin: TestUser;
  parent: TestUser;
  otherParent: TestUser;
  teacher: TestUser;
  otherTeacher: TestUser;
}

export async function createWorld(): Promise<World> {
  const t = await createTestApp();
  const db = t.database.db;
  const [admin, parent, otherParent, teacher, otherTeacher] = await Promise.all(
    (['admin', 'parent', 'parent', 'teacher', 'teacher'] as Role[]).map((role) => createUser(db, role)),
  );
  return { t, admin: admin!, parent: parent!, otherParent: otherParent!, teacher: teacher!, otherTeacher: otherTeacher! };
}

/** app.inject with a JSON body and the user's bearer header. */
export async function call(t: TestApp, user: TestUser | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const response = await t.app.inject({ method, url, headers: user ? user.headers : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
  const body = response.body ? (JSON.parse(response.body) as Record<string, any>) : undefined;
  return { status: response.statusCode, body: body as any };
}

/** The fields of a 400 answer's details. */
export const fieldsOf = (body: { error?: { details?: Array<{ field: string }> } }): string[] => (body.error?.details ?? []).map((d) => d.field);

/** Audit rows of the changes to an entity, oldest first (reads, logged too, are left out). */
export async function auditRows(t: TestApp, entity: string, entityId: string | number) {
  return t.database.db.sql.query<{ action: string; actor_id: number | null; before: any; after: any }>(
    `SELECT action, actor_id, before, after FROM audit_log WHERE entity = $1 AND entity_id = $2 AND action <> 'read' ORDER BY id`,
    [entity, String(entityId)],
  );
}

/** The date `years` ago in the school's time zone (the server computes ages on the school's calendar). */
export const yearsAgo = (years: number): string => DateTime.now().setZone('America/Halifax').minus({ years }).toISODate() ?? '';
