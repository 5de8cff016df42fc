/**
 * Consents: GET/PUT /users/{id}/consents (round trip, history kept, who may, bad input), and what a
 * consent turns off: SMS (skipped without the `sms` consent) and AI processing (the rules drafter,
 * `rulesReason: declined`, once aiProcessing is withdrawn); the enrollment form records the parent's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAiStandIn, type AiStandIn } from '../helpers/ai-stand-in.js';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { goodAnswer, registryWithProbe, triageCase } from '../ai/fixture.js';
import { notify, outboxOfRun, summaryOf } from '../notifications/helpers.js';
import { createTeacher, enrollmentForm } from '../enrollments/helpers.js';

type User = Awaited<ReturnType<typeof createUser>>;

describe('consents', () => {
  let openai: AiStandIn;
  let stack: TestStack;
  let admin: User;
  let parentA: User;
  let parentB: User;
  let teacher: User;

  beforeAll(async () => {
    openai = await startAiStandIn();
    stack = await createTestStack({
      env: { AI_PROVIDERS: 'openai', OPENAI_API_KEY: 'sk-test-openai-key', OPENAI_BASE_URL: openai.url, AI_TIMEOUT_MS: '3000' },
      registry: registryWithProbe,
    });
    const db = stack.database.db;
    admin = await createUser(db, 'admin');
    parentA = await createUser(db, 'parent', { firstName: 'Marguerite' });
    parentB = await createUser(db, 'parent');
    teacher = await createUser(db, 'teacher');
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await openai?.close();
  });

  const call = (method: 'GET' | 'PUT' | 'PATCH', url: string, who: User, payload?: unknown) =>
    stack.app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const consentsUrl = (user: User) => `/api/v1/users/${user.id}/consents`;
  const rowsOf = (user: User) =>
    stack.database.db.sql.query<{ kind: string; granted: boolean; version: string; actor_id: number | null; actor_role: string; source: string }>(
      'SELECT kind, granted, version, actor_id, actor_role, source FROM consents WHERE user_id = $1 ORDER BY id',
      [user.id],
    );

  it('round trip: nothing recorded, then a partial PUT records the kinds named, with version and actor', async () => {
    const empty = await call('GET', consentsUrl(parentA), parentA);
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ dataProcessing: null, aiProcessing: null, marketingEmail: null, sms: null });

    const put = await call('PUT', consentsUrl(parentA), parentA, { dataProcessing: true, sms: true, marketingEmail: false });
    expect(put.statusCode).toBe(200);
    const actor = { userId: parentA.id, role: 'parent' };
    expect(put.json()).toMatchObject({
      dataProcessing: { granted: true, version: '2026-12', actor },
      sms: { granted: true, version: '2026-12', actor },
      marketingEmail: { granted: false, actor },
      aiProcessing: null,
    });
    expect(Date.parse(put.json().sms.recordedAt)).not.toBeNaN();
    expect((await call('GET', consentsUrl(parentA), parentA)).json()).toEqual(put.json());
  });

  it('versioning: each change is a new row, the history stays; an unchanged answer records nothing; each change is audited', async () => {
    await call('PUT', consentsUrl(parentA), parentA, { sms: true });
    expect(await rowsOf(parentA)).toHaveLength(3);
    const changed = await call('PUT', consentsUrl(parentA), admin, { sms: false });
    expect(changed.json().sms).toMatchObject({ granted: false, actor: { userId: admin.id, role: 'admin' } });
    const reconsented = await call('PUT', consentsUrl(parentA), parentA, { dataProcessing: true, version: '2027-01' });
    expect(reconsented.json().dataProcessing).toMatchObject({ granted: true, version: '2027-01' });
    const history = (await rowsOf(parentA)).filter((r) => r.kind === 'sms' || r.kind === 'data_processing');
    expect(history.map((r) => [r.kind, r.granted, r.version, r.actor_role, r.source])).toEqual([
      ['data_processing', true, '2026-12', 'parent', 'api'],
      ['sms', true, '2026-12', 'parent', 'api'],
      ['sms', false, '2026-12', 'admin', 'api'],
      ['data_processing', true, '2027-01', 'parent', 'api'],
    ]);
    const audit = await call('GET', `/api/v1/audit?entity=consent&entityId=${parentA.id}`, admin);
    expect(audit.json().total).toBe(3);
    expect(audit.json().data[1]).toMatchObject({ action: 'update', actorId: admin.id, before: { sms: { granted: true } }, after: { sms: { granted: false }, source: 'api' } });
  });

  it('who may: the user and admins; another parent or a teacher gets 404 and changes nothing', async () => {
    expect((await call('GET', consentsUrl(parentA), admin)).statusCode).toBe(200);
    const before = await rowsOf(parentA);
    for (const other of [parentB, teacher]) {
      const read = await call('GET', consentsUrl(parentA), other);
      expect(read.statusCode).toBe(404);
      expect(read.json().error.code).toBe('not_found');
      expect((await call('PUT', consentsUrl(parentA), other, { sms: true })).statusCode).toBe(404);
    }
    expect((await call('GET', '/api/v1/users/999999/consents', admin)).statusCode).toBe(404);
    expect((await call('PUT', '/api/v1/users/999999/consents', admin, { sms: true })).statusCode).toBe(404);
    expect((await stack.app.inject({ method: 'GET', url: consentsUrl(parentA) })).statusCode).toBe(401);
    expect(await rowsOf(parentA)).toEqual(before);
  });

  it('bad input: an unknown kind, a non-boolean, a bad version or nothing named is a 400 naming the field, and records nothing', async () => {
    const before = await rowsOf(parentB);
    const cases: Array<[unknown, string]> = [
      [{ photos: true }, 'body.photos'],
      [{ sms: true, newsletter: false }, 'body.newsletter'],
      [{ sms: 'yes' }, 'body.sms'],
      [{ sms: true, version: 'v 2!' }, 'body.version'],
      [{}, 'body'],
    ];
    for (const [payload, field] of cases) {
      const res = await call('PUT', consentsUrl(parentB), parentB, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect(await rowsOf(parentB)).toEqual(before);
  });

  it('no SMS without the sms consent: skipped and said why; granted, it goes; withdrawn, it stops at once', async () => {
    const parent = await createUser(stack.database.db, 'parent');
    await stack.database.db.sql.query(`UPDATE users SET phone = '+19025550177' WHERE id = $1`, [parent.id]);
    const smsOf = async () => {
      const run = await notify(stack, { userId: parent.id, template: 'admin_alert', data: { title: 'Hello', message: 'World' } });
      return { summary: await summaryOf(stack, run.id), rows: (await outboxOfRun(stack, run.id)).filter((r) => r.channel === 'sms') };
    };
    const without = await smsOf();
    expect(without.summary.channels.sms).toMatchObject({ status: 'skipped', reason: 'no SMS consent' });
    expect(without.summary.channels.email.status).toBe('kept');
    expect(without.rows).toEqual([]);

    await call('PUT', consentsUrl(parent), parent, { sms: true });
    const granted = await smsOf();
    expect(granted.rows.map((r) => [r.recipient, r.status])).toEqual([['+19025550177', 'kept']]);

    await call('PUT', consentsUrl(parent), parent, { sms: false });
    const withdrawn = await smsOf();
    expect(withdrawn.summary.channels.sms).toMatchObject({ status: 'skipped', reason: 'no SMS consent' });
    expect(withdrawn.rows).toEqual([]);
  });

  /** Runs the AI probe workflow on a case about `parentId`; the triage node's result. */
  async function triage(parentId: number) {
    const started = await stack.app.inject({ method: 'POST', url: '/api/v1/workflows/ai_probe/runs', headers: admin.headers, payload: { event: { input: triageCase(parentId) } } });
    expect(started.statusCode).toBe(202);
    const { runId } = started.json() as { runId: string };
    await stack.engine.waitFor(runId, 20_000);
    const run = (await stack.app.inject({ method: 'GET', url: `/api/v1/workflows/runs/${runId}`, headers: admin.headers })).json();
    expect(run.status).toBe('succeeded');
    return run.nodes.find((n: { nodeId: string }) => n.nodeId === 'triage').output as { source: string; rulesReason: string | null };
  }

  it('AI processing: withdrawn → rules drafter (declined), nothing sent; PATCH aiProcessingDeclined records the consent too', async () => {
    openai.requests.length = 0;
    const withdrawn = await call('PUT', consentsUrl(parentA), parentA, { aiProcessing: false });
    expect(withdrawn.json().aiProcessing).toMatchObject({ granted: false });
    expect((await call('GET', `/api/v1/users/${parentA.id}`, parentA)).json().aiProcessingDeclined).toBe(true);
    const declined = await triage(parentA.id);
    expect(declined).toMatchObject({ source: 'rules', rulesReason: 'declined' });
    expect(openai.requests).toHaveLength(0);

    // Granting again through PATCH /users (the other way to record it): the provider is asked.
    const patched = await call('PATCH', `/api/v1/users/${parentA.id}`, parentA, { aiProcessingDeclined: false });
    expect(patched.json().aiProcessingDeclined).toBe(false);
    const consents = (await call('GET', consentsUrl(parentA), parentA)).json();
    expect(consents.aiProcessing).toMatchObject({ granted: true, actor: { userId: parentA.id, role: 'parent' } });
    expect((await rowsOf(parentA)).filter((r) => r.kind === 'ai_processing').map((r) => [r.granted, r.source])).toEqual([
      [false, 'api'],
      [true, 'user_patch'],
    ]);
    openai.plan({ kind: 'json', value: goodAnswer, inputTokens: 100, outputTokens: 50 });
    expect(await triage(parentA.id)).toMatchObject({ source: expect.stringMatching(/^ai:openai\//), rulesReason: null });
  });

  it('the enrollment form records the parent’s consents (terms → dataProcessing; boxes unticked by default)', async () => {
    await createTeacher(stack.database.db, { firstName: 'Clara' });
    const form = enrollmentForm({ consents: { sms: true } });
    const res = await stack.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });
    expect(res.statusCode).toBe(200);
    const { parentId, status } = res.json();
    expect(status).toBe('completed');
    const consents = (await stack.app.inject({ method: 'GET', url: `/api/v1/users/${parentId}/consents`, headers: admin.headers })).json();
    const system = { userId: null, role: 'system' };
    expect(consents).toMatchObject({
      dataProcessing: { granted: true, actor: system },
      sms: { granted: true, actor: system },
      aiProcessing: { granted: false },
      marketingEmail: { granted: false },
    });
    const bad = await stack.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: enrollmentForm({ consents: { photos: true } }) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual([expect.objectContaining({ field: 'body.consents.photos' })]);
  });
});
