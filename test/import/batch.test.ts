import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { parseImport } from '../../src/modules/imports/parse.js';
import { createImport, runNextBatch } from '../../src/modules/imports/run.js';
import { CSV_IMPORT_WORKFLOW } from '../../src/modules/imports/workflow.js';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { FAMILY_HEADER, familiesCsv, postImport } from './fixtures.js';

let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  s = await createTestStack();
  admin = await createUser(s.database.db, 'admin');
}, 60_000);
afterAll(async () => {
  await s?.close();
});

/** `db` with every statement sent in its transactions counted (raw SQL and Drizzle alike), on either driver. */
function countingDatabase(db: Database): { db: Database; statements: () => number } {
  let statements = 0;
  const counted = <T extends object>(target: T, methods: string[]): T =>
    new Proxy(target, {
      get(object, key) {
        const value = Reflect.get(object, key);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (methods.includes(String(key))) statements += 1;
          return value.apply(object, args);
        };
      },
    });
  const pglite = db.pglite
    ? new Proxy(db.pglite, {
        get(object, key) {
          if (key === 'transaction') return <R>(work: (tx: Transaction) => Promise<R>) => object.transaction((tx) => work(counted(tx, ['query', 'exec'])));
          const value = Reflect.get(object, key);
          return typeof value === 'function' ? value.bind(object) : value;
        },
      })
    : undefined;
  const pool = db.pool
    ? new Proxy(db.pool, {
        get(object, key) {
          if (key === 'connect') return async () => counted(await object.connect(), ['query']);
          const value = Reflect.get(object, key);
          return typeof value === 'function' ? value.bind(object) : value;
        },
      })
    : undefined;
  const wrapped: Database = { kind: db.kind, sql: db.sql, orm: db.orm, pglite: pglite as PGlite | undefined, pool: pool as pg.Pool | undefined, close: () => db.close() };
  return { db: wrapped, statements: () => statements };
}

describe('families import: round trips per batch', () => {
  it('a batch of 50 new families costs at most one statement per family; the same rows again half of one', async () => {
    const counting = countingDatabase(s.database.db);
    const deps = { db: counting.db, config: s.config };
    const parsed = parseImport('families', familiesCsv(50, 0).csv.replaceAll('@families.test', '@cost.test'));
    const options = { kind: 'families' as const, invite: false, adminId: admin.id };

    const first = await createImport(s.database.db.sql, options, parsed, 'cost.csv');
    const before = counting.statements();
    expect(await runNextBatch(deps, first)).toMatchObject({ processed: 50, total: 50, done: true });
    const newFamilies = counting.statements() - before;
    // Before batching a new family cost about a dozen statements (look-ups, rules, two inserts, two audit rows, a savepoint).
    expect(newFamilies / 50).toBeLessThanOrEqual(1);
    const [written] = await s.database.db.sql.query<{ parents: number; students: number; audits: number }>(
      `SELECT (SELECT count(*) FROM users WHERE email LIKE '%@cost.test')::int AS parents,
              (SELECT count(*) FROM students s JOIN users u ON u.id = s.parent_id WHERE u.email LIKE '%@cost.test')::int AS students,
              (SELECT count(*) FROM audit_log WHERE request_id = $1)::int AS audits`,
      [`import:${first}`],
    );
    expect(written).toEqual({ parents: 50, students: 50, audits: 100 });

    const again = await createImport(s.database.db.sql, options, parsed, 'cost.csv');
    const beforeAgain = counting.statements();
    await runNextBatch(deps, again);
    expect((counting.statements() - beforeAgain) / 50).toBeLessThanOrEqual(0.5);
    const [state] = await s.database.db.sql.query<{ skipped_count: number; created_count: number }>('SELECT skipped_count, created_count FROM imports WHERE id = $1', [again]);
    expect(state).toEqual({ skipped_count: 50, created_count: 0 });
  }, 120_000);
});

describe('families import: rows the batch cannot settle in memory', () => {
  it('applies updates, broken rules and refused accounts row by row in file order, the other rows beside them', async () => {
    const teachers = await postImport(
      s.app,
      admin.headers,
      'kind=teachers',
      'email,firstName,lastName,instruments,hourlyRate,maxStudents\r\nfull.teacher@order.test,Fay,Full,piano,60,1\r\n',
    );
    const teacherRun = (teachers.json() as { runId: string }).runId;
    expect((await s.engine.waitFor(teacherRun, 120_000)).status).toBe('succeeded');
    const csv = [
      `${FAMILY_HEADER},Teacher Email`,
      'p@order.test,Pat,One,,Ann,One,2015-01-02,piano,,45,full.teacher@order.test', // new family, takes the teacher's one place
      'p@order.test,Patricia,One,,Ann,One,2015-01-02,piano,,45,', // the parent's name changes; the child is the same
      'p@order.test,Patricia,One,,Cy,One,2016-01-02,piano,,45,full.teacher@order.test', // the teacher is full now
      'q@order.test,Quinn,Two,,Dee,Two,2015-05-06,kazoo,,45,', // an instrument the school does not offer
      'q@order.test,Quinn,Two,,Eve,Two,2015-05-06,violin,,45,', // a new family: the row before left nothing
      'full.teacher@order.test,Fay,Full,,Fin,Full,2015-05-06,piano,,45,', // a teacher's e-mail
    ].join('\r\n');
    const expected = [
      { row: 2, outcome: 'created', column: undefined },
      { row: 3, outcome: 'updated', column: undefined },
      { row: 4, outcome: 'error', column: 'Teacher Email' },
      { row: 5, outcome: 'error', column: 'Instrument' },
      { row: 6, outcome: 'created', column: undefined },
      { row: 7, outcome: 'error', column: 'Parent Email' },
    ];
    const outcomes = (rows: Array<{ row: number; outcome: string; errors: Array<{ column: string }> }>) =>
      rows.map((r) => ({ row: r.row, outcome: r.outcome, column: r.errors[0]?.column }));

    const dry = await postImport(s.app, admin.headers, 'kind=families&dryRun=true', csv);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(outcomes(dry.json().rows)).toEqual(expected);

    const started = await postImport(s.app, admin.headers, 'kind=families', csv);
    const { importId, runId } = started.json() as { importId: number; runId: string };
    expect((await s.engine.waitFor(runId, 120_000)).status).toBe('succeeded');
    const status = (await s.app.inject({ method: 'GET', url: `/api/v1/imports/${importId}`, headers: admin.headers })).json();
    expect(status.counts).toMatchObject({ created: 2, updated: 1, skipped: 0, errors: 3 });
    expect(status.errors.find((e: { row: number }) => e.row === 4).errors[0].message).toMatch(/capacity/);
    const families = await s.database.db.sql.query<{ email: string; first_name: string; children: string }>(
      `SELECT u.email, u.first_name, string_agg(st.first_name || ':' || coalesce(st.teacher_id::text, '-'), ',' ORDER BY st.id) AS children
         FROM users u JOIN students st ON st.parent_id = u.id WHERE u.email LIKE '%@order.test' GROUP BY u.email, u.first_name ORDER BY u.email`,
    );
    const [teacher] = await s.database.db.sql.query<{ id: number }>(`SELECT t.id FROM teachers t JOIN users u ON u.id = t.user_id WHERE u.email = 'full.teacher@order.test'`);
    expect(families).toEqual([
      { email: 'p@order.test', first_name: 'Patricia', children: `Ann:${teacher!.id}` },
      { email: 'q@order.test', first_name: 'Quinn', children: 'Eve:-' },
    ]);
  }, 240_000);
});

describe('families import: a teacher a row alone assigned', () => {
  it('is read afresh: a later new family cannot take a place the count in memory still shows free', async () => {
    const teachers = await postImport(
      s.app,
      admin.headers,
      'kind=teachers',
      'email,firstName,lastName,instruments,hourlyRate,maxStudents\r\ntwo.places@fresh.test,Tia,Two,piano,60,2\r\n',
    );
    expect((await s.engine.waitFor((teachers.json() as { runId: string }).runId, 120_000)).status).toBe('succeeded');
    const csv = [
      `${FAMILY_HEADER},Teacher Email`,
      'a@fresh.test,Ada,Aa,,Al,Aa,2015-01-02,piano,,45,two.places@fresh.test', // written with the batch: place 1
      'a@fresh.test,Adele,Aa,,Bo,Aa,2016-01-02,piano,,45,two.places@fresh.test', // the parent's name changes: alone, place 2
      'c@fresh.test,Cy,Cc,,Cid,Cc,2015-01-02,piano,,45,two.places@fresh.test', // no place left
    ].join('\r\n');
    const started = await postImport(s.app, admin.headers, 'kind=families', csv);
    const { importId, runId } = started.json() as { importId: number; runId: string };
    expect((await s.engine.waitFor(runId, 120_000)).status).toBe('succeeded');
    const view = (await s.app.inject({ method: 'GET', url: `/api/v1/imports/${importId}`, headers: admin.headers })).json();
    expect(view.counts).toMatchObject({ created: 2, errors: 1 });
    expect(view.errors).toMatchObject([{ row: 4, errors: [{ column: 'Teacher Email', message: expect.stringMatching(/capacity/) }] }]);
    const [load] = await s.database.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM students s JOIN teachers t ON t.id = s.teacher_id JOIN users u ON u.id = t.user_id WHERE u.email = 'two.places@fresh.test' AND s.is_active`,
    );
    expect(load!.n).toBe(2);
  }, 240_000);
});

describe('families import: invitations from a batch', () => {
  it('with invite=true each new parent of the batch gets the set-password mail, once, and an existing one none', async () => {
    const csv = [
      FAMILY_HEADER,
      'inv1@invite.test,Ina,One,,Kid,One,2015-01-02,piano,,45',
      'inv1@invite.test,Ina,One,,Kat,One,2016-01-02,piano,,45',
      'inv2@invite.test,Ivo,Two,,Kim,Two,2015-01-02,violin,,45',
    ].join('\r\n');
    const recipients = async () =>
      (await s.database.db.sql.query<{ recipient: string }>(`SELECT recipient FROM outbox WHERE recipient LIKE '%@invite.test' ORDER BY recipient`)).map((r) => r.recipient);
    for (const round of [1, 2]) {
      const started = await postImport(s.app, admin.headers, 'kind=families&invite=true', csv);
      expect(started.statusCode, started.body).toBe(202);
      const { importId, runId } = started.json() as { importId: number; runId: string };
      expect((await s.engine.waitFor(runId, 120_000)).status).toBe('succeeded');
      const view = (await s.app.inject({ method: 'GET', url: `/api/v1/imports/${importId}`, headers: admin.headers })).json();
      expect(view.counts).toMatchObject(round === 1 ? { created: 3, skipped: 0, errors: 0 } : { created: 0, skipped: 3, errors: 0 });
      expect(await recipients()).toEqual(['inv1@invite.test', 'inv2@invite.test']);
    }
  }, 240_000);
});

describe('csv-import: a run that fails for good', () => {
  it('stores the import as failed with the error, not running', async () => {
    const parsed = parseImport('families', familiesCsv(60, 0).csv.replaceAll('@families.test', '@fails.test'));
    const importId = await createImport(s.database.db.sql, { kind: 'families', invite: false, adminId: admin.id }, parsed, 'fails.csv');
    // The first batch commits; then the pending rows are no longer a list: every attempt of the next batch fails at the database.
    await runNextBatch({ db: s.database.db, config: s.config }, importId);
    await s.database.db.sql.query(`UPDATE imports SET pending_rows = '{"not": "a list"}' WHERE id = $1`, [importId]);

    const { runId } = await s.services.workflows.start(CSV_IMPORT_WORKFLOW, { importId });
    await s.database.db.sql.query('UPDATE imports SET run_id = $2 WHERE id = $1', [importId, runId]);
    expect((await s.engine.waitFor(runId, 120_000)).status).toBe('failed');

    const [stored] = await s.database.db.sql.query<{ status: string; failure: string | null; processed_rows: number; finished: boolean }>(
      'SELECT status, failure, processed_rows, finished_at IS NOT NULL AS finished FROM imports WHERE id = $1',
      [importId],
    );
    expect(stored).toMatchObject({ status: 'failed', processed_rows: 50, finished: true });
    expect(stored!.failure).toMatch(/object|array/i);
    const view = (await s.app.inject({ method: 'GET', url: `/api/v1/imports/${importId}`, headers: admin.headers })).json();
    expect(view).toMatchObject({ status: 'failed', counts: { processed: 50, created: 50 } });
  }, 120_000);
});
