/**
 * Access requests through the real app and engine, with mail in a real SMTP sink: a school of two
 * families (lessons with shared and private notes, payments, a subscription with an invoice, a
 * message, consents, cards, mails …); family A's export holds every row of theirs, nothing of
 * family B and no private note or one-time token; parents reach only their own exports; links
 * expire (410); bad input changes nothing; every export and download is audited as a read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlExecutorOf } from '../../src/db/orm-sql.js';
import { asCaller } from '../../src/modules/auth/scoped.js';
import { EXPORT_EXPIRE_SIGNAL } from '../../src/modules/privacy/exports/workflow.js';
import { signExportToken } from '../../src/modules/privacy/exports/link.js';
import { familySources } from '../../src/modules/privacy/exports/sources.js';
import { createTwoFamilies, type TwoFamilies } from '../auth/fixtures.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { readZip, seedFamilyRecords } from './export-fixture.js';

const WAIT_MS = 60_000;
type Res = { statusCode: number; body: string; rawPayload: Buffer; headers: Record<string, unknown>; json(): any };
type Headers = { authorization: string } | Record<string, never>;

describe('privacy exports (access requests)', () => {
  let sink: SmtpSink;
  let stack: TestStack;
  let f: TwoFamilies;
  /** Strings only family B's records hold. */
  let familyBMarkers: string[];
  let markerA: string;
  let markerB: string;
  let files: Map<string, string>;
  let exportId: number;
  let runId: string;

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Headers, payload?: unknown): Promise<Res> =>
    stack.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) }) as unknown as Promise<Res>;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => stack.database.db.sql.query<T>(text, params);
  const ids = async (text: string, params: unknown[]): Promise<number[]> => (await sql<{ id: number }>(text, params)).map((r) => Number(r.id)).sort((a, b) => a - b);
  const idsIn = (file: string, key = 'id'): number[] => (JSON.parse(files.get(file) ?? '[]') as Array<Record<string, number>>).map((r) => Number(r[key])).sort((a, b) => a - b);
  const exportCount = async (): Promise<number> => (await sql<{ n: number }>('SELECT count(*)::int AS n FROM privacy_exports'))[0]!.n;

  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await createTestStack({ env: { SMTP_URL: sink.url } });
    const db = stack.database.db;
    f = await createTwoFamilies(db);
    markerA = `famA${f.tag}`;
    markerB = `famB${f.tag}`;
    familyBMarkers = [f.parentB.email, `Bumblewick${f.tag}`, markerB];
    const families = [
      { parentId: f.parentA.id, email: f.parentA.email, studentId: f.childA, lessonId: f.lessonA, paymentId: f.paymentA, marker: markerA, parent: f.parentA },
      { parentId: f.parentB.id, email: f.parentB.email, studentId: f.childB, lessonId: f.lessonB, paymentId: f.paymentB, marker: markerB, parent: f.parentB },
    ];
    for (const family of families) {
      await seedFamilyRecords(db, family);
      // Notes through the API: the audit row keeps the lesson before and after, private notes included.
      const patched = await call('PATCH', `/api/v1/lessons/${family.lessonId}`, f.admin.headers, { notes: `shared ${family.marker}`, privateNotes: `PRIVATE ${family.marker}` });
      expect(patched.statusCode, patched.body).toBe(200);
      const message = await call('POST', '/api/v1/messages', family.parent.headers, {
        to: 'school',
        subject: `Question ${family.marker}`,
        body: `Message ${family.marker}`,
        studentId: family.studentId,
      });
      expect(message.statusCode, message.body).toBe(201);
      for (const id of message.json().notificationRunIds as string[]) await stack.engine.waitFor(id, WAIT_MS);
    }

    const started = await call('POST', '/api/v1/privacy/exports', f.admin.headers, { userId: f.parentA.id });
    expect(started.statusCode, started.body).toBe(202);
    ({ exportId, runId } = started.json());
    expect(started.json().statusUrl).toBe(`/api/v1/privacy/exports/${exportId}`);
    // Settled: built, mailed, and waiting (durably) for the export to expire.
    const run = await stack.engine.waitFor(runId, WAIT_MS);
    expect(run.status).toBe('waiting');
    const download = await call('GET', `/api/v1/privacy/exports/${exportId}/download`, f.admin.headers);
    expect(download.statusCode, download.body).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(String(download.headers['content-disposition'])).toMatch(/^attachment; filename="cedar-heights-export-\d+-\d+\.zip"$/);
    files = await readZip(download.rawPayload);
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
    await sink?.close();
  });

  it('answers the status: ready, rows per file, download URL, expiry 7 days after it was made', async () => {
    const res = await call('GET', `/api/v1/privacy/exports/${exportId}`, f.admin.headers);
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json();
    expect(view).toMatchObject({
      id: exportId,
      userId: f.parentA.id,
      requestedBy: f.admin.id,
      status: 'ready',
      runId,
      downloadUrl: `/api/v1/privacy/exports/${exportId}/download`,
    });
    expect(new Date(view.expiresAt).getTime() - new Date(view.readyAt).getTime()).toBe(7 * 86_400_000);
    expect(view.files['lessons.json']).toBe(1);
    expect(view.files['lessons.csv']).toBe(1);
    expect(view.bytes).toBeGreaterThan(0);
  });

  it('holds README.txt, a JSON file per kind and a CSV per tabular kind', () => {
    const expected = ['README.txt', ...familySources.flatMap((s) => (s.tabular === false ? [`${s.name}.json`] : [`${s.name}.json`, `${s.name}.csv`]))];
    expect([...files.keys()].sort()).toEqual(expected.sort());
    expect(files.get('README.txt')).toContain('lessons.json / lessons.csv');
    const csv = files.get('payments.csv')!.split('\n');
    expect(csv[0]).toContain('amount_cents');
    expect(csv[1]).toContain('4500');
  });

  it('holds every row of family A', async () => {
    const a = f.parentA.id;
    const checks: Array<[file: string, expected: number[], key?: string]> = [
      ['account.json', [a]],
      ['students.json', await ids('SELECT id FROM students WHERE parent_id = $1', [a])],
      ['lessons.json', await ids('SELECT id FROM lessons WHERE student_id = $1', [f.childA])],
      ['makeup_credits.json', await ids('SELECT id FROM makeup_credits WHERE student_id = $1', [f.childA])],
      ['progress_reports.json', await ids('SELECT id FROM progress_reports WHERE student_id = $1', [f.childA])],
      ['enrollments.json', await ids('SELECT id FROM enrollments WHERE lower(parent_email) = lower($1)', [f.parentA.email])],
      ['waitlist.json', await ids(`SELECT id FROM enrollments WHERE lower(parent_email) = lower($1) AND status = 'waitlisted'`, [f.parentA.email])],
      ['consents.json', await ids('SELECT id FROM consents WHERE user_id = $1', [a])],
      ['payments.json', await ids('SELECT id FROM payments WHERE parent_id = $1', [a])],
      ['subscriptions.json', await ids('SELECT id FROM lesson_subscriptions WHERE parent_id = $1', [a])],
      ['invoices.json', await ids('SELECT id FROM invoices WHERE parent_id = $1', [a])],
      [
        'invoice_lines.json',
        await ids('SELECT pl.lesson_id AS id FROM subscription_period_lessons pl JOIN subscription_periods p ON p.id = pl.period_id WHERE p.parent_id = $1', [a]),
        'lesson_id',
      ],
      ['late_fees.json', await ids('SELECT id FROM late_fees WHERE parent_id = $1', [a])],
      ['saved_cards.json', await ids('SELECT id FROM saved_payment_methods WHERE parent_id = $1', [a])],
      ['conversations.json', await ids('SELECT id FROM conversations WHERE parent_id = $1', [a])],
      ['messages.json', await ids('SELECT m.id FROM conversation_messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.parent_id = $1', [a])],
      ['notifications.json', await ids('SELECT id FROM notifications WHERE user_id = $1', [a])],
      ['outbox.json', await ids('SELECT id FROM outbox WHERE user_id = $1 OR recipient = $2', [a, f.parentA.email])],
      [
        'audit.json',
        await ids(
          `SELECT id FROM audit_log WHERE (entity = 'lesson' AND entity_id = $1) OR (entity = 'conversation' AND entity_id IN (SELECT id::text FROM conversations WHERE parent_id = $2))`,
          [String(f.lessonA), a],
        ),
      ],
    ];
    for (const [file, expected, key] of checks) {
      expect(expected.length, `${file}: the fixture has rows`).toBeGreaterThan(0);
      if (file === 'audit.json') expect(idsIn(file, key)).toEqual(expect.arrayContaining(expected));
      else expect(idsIn(file, key), file).toEqual(expected);
    }
    const receipts = JSON.parse(files.get('receipts.json')!)
      .map((r: { receipt_number: string }) => r.receipt_number)
      .sort();
    expect(receipts).toEqual([`R-I-${markerA}`, `R-P-${markerA}`]);
    expect(JSON.parse(files.get('saved_cards.json')!)[0]).toEqual(expect.objectContaining({ brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2031 }));
    expect(JSON.parse(files.get('lessons.json')!)[0].notes).toBe(`shared ${markerA}`);
    expect(JSON.parse(files.get('messages.json')!)[0].body).toBe(`Message ${markerA}`);
  });

  it('holds nothing of family B', () => {
    const text = [...files.values()].join('\n');
    for (const marker of familyBMarkers) expect(text, marker).not.toContain(marker);
    const rows = (file: string) => JSON.parse(files.get(file)!) as Array<Record<string, unknown>>;
    expect(rows('students.json').map((r) => r.id)).not.toContain(f.childB);
    expect(rows('lessons.json').map((r) => r.id)).not.toContain(f.lessonB);
    expect(rows('payments.json').map((r) => r.id)).not.toContain(f.paymentB);
    expect(rows('account.json').map((r) => r.id)).toEqual([f.parentA.id]);
  });

  it('holds no private note, password hash or one-time link token', () => {
    const text = [...files.values()].join('\n');
    expect(text).not.toContain(`PRIVATE ${markerA}`);
    expect(text).not.toContain(`STAFFNOTE ${markerA}`);
    expect(text).not.toMatch(/private_?notes/i);
    expect(text).not.toContain(`SECRET${markerA}`);
    expect(text).toContain('token=[removed]');
    expect(text).not.toContain(`tok_${markerA}`);
    expect(text).not.toMatch(/password_?hash/i);
    expect(text).not.toContain(`pm_${markerA}`);
  });

  it('mails the requester a signed link that downloads without signing in', async () => {
    const mail = await sink.waitFor((m) => m.to.includes(f.admin.email) && m.subject.includes('data export is ready'));
    const link = /(https?:\/\/\S+\/api\/v1\/privacy\/exports\/\d+\/download\?token=\S+)/.exec(mail.text)?.[1];
    expect(link).toBeDefined();
    const url = new URL(link!);
    const res = await call('GET', `${url.pathname}${url.search}`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect((await readZip(res.rawPayload)).get('account.json')).toContain(f.parentA.email);
    const forged = await call('GET', `${url.pathname}?token=${url.searchParams.get('token')!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`, {});
    expect(forged.statusCode).toBe(401);
  });

  it('writes the export and every download to the audit log as reads', async () => {
    const reads = await sql<{ entity: string; entity_id: string; actor_id: number | null }>(
      `SELECT entity, entity_id, actor_id FROM audit_log WHERE action = 'read' AND ((entity = 'user' AND entity_id = $1) OR (entity = 'privacy_export' AND entity_id = $2)) ORDER BY id`,
      [String(f.parentA.id), String(exportId)],
    );
    expect(reads).toEqual(
      expect.arrayContaining([
        { entity: 'user', entity_id: String(f.parentA.id), actor_id: f.admin.id },
        { entity: 'privacy_export', entity_id: String(exportId), actor_id: f.admin.id },
        { entity: 'privacy_export', entity_id: String(exportId), actor_id: null },
      ]),
    );
  });

  it('lets a parent export their own data, and nobody else’s (404)', async () => {
    const own = await call('POST', '/api/v1/privacy/exports', f.parentA.headers, { userId: f.parentA.id });
    expect(own.statusCode, own.body).toBe(202);
    expect((await stack.engine.waitFor(own.json().runId, WAIT_MS)).status).toBe('waiting');
    const ownId = own.json().exportId;
    expect((await call('GET', `/api/v1/privacy/exports/${ownId}`, f.parentA.headers)).json().status).toBe('ready');
    expect((await call('GET', `/api/v1/privacy/exports/${ownId}/download`, f.parentA.headers)).statusCode).toBe(200);

    const before = await exportCount();
    const other = await call('POST', '/api/v1/privacy/exports', f.parentA.headers, { userId: f.parentB.id });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('not_found');
    expect(await exportCount()).toBe(before);
    // Parent B cannot read or download family A's exports; a teacher may not ask at all (API.md).
    for (const id of [exportId, ownId]) {
      expect((await call('GET', `/api/v1/privacy/exports/${id}`, f.parentB.headers)).statusCode).toBe(404);
      const download = await call('GET', `/api/v1/privacy/exports/${id}/download`, f.parentB.headers);
      expect(download.statusCode).toBe(404);
      expect(download.body).not.toContain(f.parentA.email);
    }
    // An export an admin asked for is the admin's: the parent does not see it either.
    expect((await call('GET', `/api/v1/privacy/exports/${exportId}`, f.parentA.headers)).statusCode).toBe(404);
    expect((await call('POST', '/api/v1/privacy/exports', f.teacherA.headers, { userId: f.teacherA.id })).statusCode).toBe(403);
    expect((await call('GET', `/api/v1/privacy/exports/${exportId}`, f.teacherA.headers)).statusCode).toBe(403);
    expect(await exportCount()).toBe(before);
  }, 120_000);

  it('keeps exports apart by row-level security: a parent reads and asks only their own', async () => {
    const asParentB = <T>(work: (q: ReturnType<typeof sqlExecutorOf>) => Promise<T>) =>
      asCaller(stack.database.db, { userId: f.parentB.id, role: 'parent' }, (tx) => work(sqlExecutorOf(tx)));
    expect(await asParentB((q) => q.query('SELECT id FROM privacy_exports WHERE user_id = $1', [f.parentA.id]))).toEqual([]);
    const refused = await asParentB((q) => q.query('INSERT INTO privacy_exports (user_id, requested_by) VALUES ($1, $2)', [f.parentA.id, f.parentB.id])).then(
      () => undefined,
      (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
    );
    expect(refused).toMatch(/row-level security/);
    // Parent A sees the export they asked for, but cannot change it (only the workflow and admins write).
    const asParentA = <T>(work: (q: ReturnType<typeof sqlExecutorOf>) => Promise<T>) =>
      asCaller(stack.database.db, { userId: f.parentA.id, role: 'parent' }, (tx) => work(sqlExecutorOf(tx)));
    expect((await asParentA((q) => q.query('SELECT id FROM privacy_exports WHERE requested_by = $1', [f.parentA.id]))).length).toBeGreaterThan(0);
    expect(await asParentA((q) => q.query(`UPDATE privacy_exports SET status = 'failed' WHERE requested_by = $1 RETURNING id`, [f.parentA.id]))).toEqual([]);
  });

  it('refuses bad input with a 400 naming the field, and an unknown user with a 404, creating nothing', async () => {
    const before = await exportCount();
    for (const payload of [{}, { userId: 'abc' }, { userId: 0 }, { userId: 1.5 }]) {
      const res = await call('POST', '/api/v1/privacy/exports', f.admin.headers, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain('body.userId');
    }
    expect((await call('POST', '/api/v1/privacy/exports', f.admin.headers, { userId: 2_000_000_000 })).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/privacy/exports/abc', f.admin.headers)).statusCode).toBe(400);
    expect((await call('GET', '/api/v1/privacy/exports/999999', f.admin.headers)).statusCode).toBe(404);
    expect(await exportCount()).toBe(before);
  });

  it('answers 410 for an expired link, and once the export expired its archive is deleted (410)', async () => {
    const lapsed = signExportToken(stack.services.signingSecret, exportId, new Date(Date.now() - 60_000));
    const byOldLink = await call('GET', `/api/v1/privacy/exports/${exportId}/download?token=${lapsed}`, {});
    expect(byOldLink.statusCode).toBe(410);
    expect(byOldLink.json().error.code).toBe('gone');

    // The run's durable wait ends (the signal stands for the deadline): the archive goes.
    await stack.services.workflows.signal(runId, EXPORT_EXPIRE_SIGNAL);
    expect((await stack.engine.waitFor(runId, WAIT_MS)).status).toBe('succeeded');
    const [row] = await sql<{ status: string; archive: unknown }>('SELECT status, archive FROM privacy_exports WHERE id = $1', [exportId]);
    expect(row).toEqual({ status: 'expired', archive: null });
    expect((await call('GET', `/api/v1/privacy/exports/${exportId}`, f.admin.headers)).json()).toMatchObject({ status: 'expired', downloadUrl: null });
    expect((await call('GET', `/api/v1/privacy/exports/${exportId}/download`, f.admin.headers)).statusCode).toBe(410);
  }, 120_000);
});
