/**
 * Billing that follows the calendar, through the HTTP API on both gateways (simulated, and the real
 * Stripe SDK against the stand-in), with the mails checked in a real SMTP sink:
 * - a subscription's first period charges the lessons scheduled in it (a closure, a lesson cancelled
 *   by the school and a demo are not charged, one cancelled by the family is); its invoice lists
 *   them, marks them paid and e-mails a receipt with its number; GET /payments lists it;
 * - the renewal is priced from the next period's calendar, the family is reminded
 *   `paymentReminderDays` before, once, and the next invoice lists its own lessons;
 * - a late fee (setting, off by default) is charged once per late debt, told to the family,
 *   waivable by an admin; admin alerts go to the school's address and name the family;
 * - the ledger and the gateway still reconcile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATE_FEES_WORKFLOW, SUBSCRIPTION_RENEWALS_WORKFLOW } from '../../src/modules/payments/workflows/index.js';
import { createUser } from '../helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { createPaymentWorld, gatewayKinds, type PaymentWorld, type User } from './fixture.js';

const DAY = 86_400_000;
const SCHOOL = { name: 'Maple & Cedar Music', timezone: 'America/Halifax', currency: 'CAD', email: 'office@maple.example', phone: '+19025550100' };
const localDate = (iso: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: SCHOOL.timezone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(iso));

describe.each(gatewayKinds)('billing that follows the calendar on the %s gateway', (kind) => {
  let w: PaymentWorld;
  let sink: SmtpSink;
  let parent: User;
  let studentId: number;
  let subscriptionId: number;
  let firstPeriodEnd: string;
  const lessons: Record<string, number> = {};

  beforeAll(async () => {
    sink = await startSmtpSink();
    w = await createPaymentWorld(kind, { env: { SMTP_URL: sink.url } });
    const put = await inject('PUT', '/api/v1/settings/school', w.admin, { value: SCHOOL });
    expect(put.statusCode, put.body).toBe(200);
    parent = await createUser(w.stack.database.db, 'parent', { firstName: 'Robin' });
    const [student] = await w.sql<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, 'Emma', 'Robinson', '2014-02-03', 'piano', 4500) RETURNING id`,
      [parent.id, w.teacher.teacherId],
    );
    studentId = student!.id;
    const card = await inject('POST', `/api/v1/billing/${parent.id}/payment-methods`, parent, { paymentMethod: 'pm_card_visa', makeDefault: true });
    expect(card.statusCode, card.body).toBe(201);
  });
  afterAll(async () => {
    await w?.close();
    await sink?.close();
  });

  function inject(method: 'GET' | 'POST' | 'PUT', url: string, user: User, payload?: unknown) {
    return w.stack.app.inject({ method, url, headers: user.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  }
  /** A lesson of the student at `at`; cancelled by `cancelledBy` when given. */
  async function lessonAt(at: Date, extra: { minutes?: number; type?: string; cancelledBy?: User } = {}): Promise<number> {
    const minutes = extra.minutes ?? 30;
    const [row] = await w.sql<{ id: number }>(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, lesson_type, status, cancelled_by, cancelled_at)
       VALUES ($1, $2, $3, $4, $3::timestamptz + make_interval(mins => $4), $5, $6, $7, CASE WHEN $7::int IS NULL THEN NULL ELSE now() END) RETURNING id`,
      [studentId, w.teacher.teacherId, at, minutes, extra.type ?? 'regular', extra.cancelledBy ? 'cancelled' : 'scheduled', extra.cancelledBy?.id ?? null],
    );
    return row!.id;
  }
  const dayOfSchool = (at: Date): string => new Intl.DateTimeFormat('en-CA', { timeZone: SCHOOL.timezone }).format(at);
  async function closureOn(at: Date): Promise<void> {
    await w.sql(`INSERT INTO closures (name, starts_on, ends_on) VALUES ($1, $2, $2)`, [`Closed ${at.toISOString()}`, dayOfSchool(at)]);
  }
  const billing = async () => {
    const res = await inject('GET', `/api/v1/billing/${parent.id}`, parent);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const paymentStatusOf = async (lessonId: number) => {
    const res = await inject('GET', `/api/v1/lessons/${lessonId}`, parent);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().paymentStatus as string;
  };
  const runCron = async (workflow: string, firedAt: Date) => {
    const run = await w.stack.engine.startAndWait(workflow, { firedAt: firedAt.toISOString() }, { waitMs: 30_000 });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    const view = await w.stack.engine.view(run.id);
    return Object.fromEntries((view?.nodes ?? []).map((n) => [n.nodeId, n.output])) as Record<string, Record<string, unknown>>;
  };

  it('charges the first period per scheduled lesson, lists the lessons on the invoice, marks them paid and e-mails a numbered receipt', async () => {
    const now = Date.now();
    const at = (days: number) => new Date(Math.floor((now + days * DAY) / 3_600_000) * 3_600_000);
    lessons.regular = await lessonAt(at(2));
    lessons.bySchool = await lessonAt(at(5), { cancelledBy: w.admin });
    lessons.byFamily = await lessonAt(at(9), { cancelledBy: parent });
    lessons.closed = await lessonAt(at(12));
    await closureOn(at(12));
    lessons.long = await lessonAt(at(16), { minutes: 45 });
    lessons.demo = await lessonAt(at(19), { type: 'demo' });

    const started = await inject('POST', `/api/v1/billing/${parent.id}/subscription`, w.admin, { action: 'start', studentId, interval: 'month' });
    expect(started.statusCode, started.body).toBe(200);
    // 30-minute lessons 45.00, a 45-minute one 60.00 (setting pricing): the regular, the family's cancelled one, the long one
    expect(started.json()).toMatchObject({ status: 'active', amountCents: 4500 + 4500 + 6000 });
    subscriptionId = started.json().id;
    firstPeriodEnd = started.json().currentPeriodEnd;
    await w.idle();

    const view = await billing();
    expect(view.invoices).toHaveLength(1);
    const invoice = view.invoices[0];
    expect(invoice).toMatchObject({ status: 'paid', amountPaidCents: 15_000, receiptNumber: expect.stringMatching(/^R-\d{6}$/) });
    expect(invoice.lessons.map((l: { lessonId: number; amountCents: number }) => [l.lessonId, l.amountCents])).toEqual([
      [lessons.regular, 4500],
      [lessons.byFamily, 4500],
      [lessons.long, 6000],
    ]);
    expect(view.receipts).toContainEqual(expect.objectContaining({ invoiceId: invoice.id, paymentId: null, receiptNumber: invoice.receiptNumber, amountCents: 15_000 }));
    expect(await paymentStatusOf(lessons.regular!)).toBe('paid');
    expect(await paymentStatusOf(lessons.long!)).toBe('paid');
    expect(await paymentStatusOf(lessons.bySchool!)).toBe('pending');
    expect(await paymentStatusOf(lessons.closed!)).toBe('pending');

    const mail = await sink.waitFor((m) => m.to.includes(parent.email) && m.subject.startsWith(`Receipt ${invoice.receiptNumber}`));
    expect(mail.subject).toBe(`Receipt ${invoice.receiptNumber}: $150.00 CAD to Maple & Cedar Music`);
    expect(mail.text).toContain(`Receipt number: ${invoice.receiptNumber}`);
    expect(mail.text).toContain('the lessons of Emma Robinson');
    expect(mail.text).toContain('(3 lessons)');
    expect(mail.text).toContain(localDate(invoice.periodStart));
    // a receipt number is never a payment's: it is drawn from the same sequence
    expect(await w.sql(`SELECT 1 FROM payments WHERE receipt_number = $1`, [invoice.receiptNumber])).toEqual([]);
  });

  it('lists the subscription invoice in GET /payments with its kind, keeping the filters and the paging', async () => {
    const offline = await inject('POST', '/api/v1/payments/offline', w.admin, {
      parentId: parent.id,
      amountCents: 2000,
      method: 'etransfer',
      receivedOn: dayOfSchool(new Date()),
      reference: 'ET-77',
    });
    expect(offline.statusCode, offline.body).toBe(201);
    const all = await inject('GET', '/api/v1/payments', parent);
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().total).toBe(2);
    expect(
      all
        .json()
        .data.map((p: { kind: string }) => p.kind)
        .sort(),
    ).toEqual(['offline', 'subscription']);
    const subscription = all.json().data.find((p: { kind: string }) => p.kind === 'subscription');
    expect(subscription).toMatchObject({ status: 'succeeded', amountCents: 15_000, studentId, invoiceId: subscription.id, receiptNumber: expect.stringMatching(/^R-/) });
    expect(subscription.periodEnd).toBe(firstPeriodEnd);

    const onlyInvoices = await inject('GET', '/api/v1/payments?kind=subscription', parent);
    expect(onlyInvoices.json()).toMatchObject({ total: 1, data: [{ kind: 'subscription' }] });
    expect((await inject('GET', `/api/v1/payments?studentId=${studentId}`, parent)).json().total).toBe(1);
    expect((await inject('GET', '/api/v1/payments?status=failed', parent)).json().total).toBe(0);
    const page1 = await inject('GET', '/api/v1/payments?page=1&pageSize=1', parent);
    const page2 = await inject('GET', '/api/v1/payments?page=2&pageSize=1', parent);
    expect(page2.json()).toMatchObject({ page: 2, pageSize: 1, total: 2 });
    expect([...page1.json().data, ...page2.json().data].map((p: { kind: string }) => p.kind).sort()).toEqual(['offline', 'subscription']);
    expect((await inject('GET', '/api/v1/payments?page=3&pageSize=1', parent)).json()).toMatchObject({ total: 2, data: [] });
    expect((await inject('GET', '/api/v1/payments?kind=refund', parent)).statusCode).toBe(400);
    // another family sees none of it
    const other = await createUser(w.stack.database.db, 'parent');
    expect((await inject('GET', '/api/v1/payments', other)).json().total).toBe(0);

    const receipt = await sink.waitFor((m) => m.to.includes(parent.email) && m.subject.startsWith(`Receipt ${offline.json().receiptNumber}`));
    expect(offline.json().receiptNumber).toBe(`R-${String(offline.json().id).padStart(6, '0')}`);
    expect(receipt.text).toContain(`Receipt number: ${offline.json().receiptNumber}`);
  });

  it('prices the renewal from the next period’s calendar and reminds the family once, paymentReminderDays before', async () => {
    const end = new Date(firstPeriodEnd);
    lessons.next1 = await lessonAt(new Date(end.getTime() + 2 * DAY));
    lessons.next2 = await lessonAt(new Date(end.getTime() + 9 * DAY));
    lessons.nextCancelled = await lessonAt(new Date(end.getTime() + 16 * DAY), { cancelledBy: w.teacher });
    lessons.nextClosed = await lessonAt(new Date(end.getTime() + 20 * DAY));
    await closureOn(new Date(end.getTime() + 20 * DAY));

    // 4 days before: outside the 3 days of the default setting, nothing happens
    expect((await runCron(SUBSCRIPTION_RENEWALS_WORKFLOW, new Date(end.getTime() - 4 * DAY)))['price-renewals']).toMatchObject({ priced: 0 });
    const outputs = await runCron(SUBSCRIPTION_RENEWALS_WORKFLOW, new Date(end.getTime() - 2 * DAY));
    expect(outputs['price-renewals']).toMatchObject({ priced: 1, repriced: [subscriptionId] });
    expect((outputs['send-reminders']!.reminded as number[]).length).toBe(1);
    expect((await billing()).subscriptions[0]).toMatchObject({ amountCents: 9000 });
    // a second firing neither reprices nor reminds again
    const again = await runCron(SUBSCRIPTION_RENEWALS_WORKFLOW, new Date(end.getTime() - 1 * DAY));
    expect(again['price-renewals']).toMatchObject({ priced: 1, repriced: [] });
    expect(again['send-reminders']).toMatchObject({ reminded: [] });

    const reminder = await sink.waitFor((m) => m.to.includes(parent.email) && m.subject.startsWith('Payment due'));
    expect(reminder.subject).toBe(`Payment due ${localDate(firstPeriodEnd)}: $90.00 CAD to Maple & Cedar Music`);
    expect(reminder.text).toContain('Emma Robinson');
    expect(reminder.text).toContain('the 2 lessons scheduled');
    expect(reminder.text).toMatch(/A[DS]T/); // the renewal's time is shown in the school's zone
    const runs = await w.sql<{ n: number }>(`SELECT count(*)::int AS n FROM workflow_runs WHERE workflow_name = 'notification' AND idempotency_key LIKE 'notify:payment-due:%'`);
    expect(runs[0]!.n).toBe(1);

    // the gateway renews at the new price; the invoice lists the period's lessons and marks them paid
    await w.sim.advanceClock(new Date(end.getTime() + 3_600_000));
    await w.idle();
    const view = await billing();
    const renewal = view.invoices.find((i: { periodStart: string }) => i.periodStart === firstPeriodEnd);
    expect(renewal).toMatchObject({ status: 'paid', amountPaidCents: 9000, receiptNumber: expect.stringMatching(/^R-/) });
    expect(renewal.lessons.map((l: { lessonId: number }) => l.lessonId)).toEqual([lessons.next1, lessons.next2]);
    expect(await paymentStatusOf(lessons.next2!)).toBe('paid');
    expect(await paymentStatusOf(lessons.nextCancelled!)).toBe('pending');
    await sink.waitFor((m) => m.to.includes(parent.email) && m.subject === `Receipt ${renewal.receiptNumber}: $90.00 CAD to Maple & Cedar Music`);
    const audit = await w.sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'subscription' AND entity_id = $1 AND action = 'subscription.repriced'`, [
      String(subscriptionId),
    ]);
    expect(audit).toHaveLength(1);
  });

  it('turns the reminders off with paymentReminderDays 0, and refuses bad settings naming the field', async () => {
    expect((await inject('PUT', '/api/v1/settings/paymentReminderDays', w.admin, { value: 0 })).statusCode).toBe(200);
    const outputs = await runCron(SUBSCRIPTION_RENEWALS_WORKFLOW, new Date(Date.now()));
    expect(outputs['send-reminders']).toMatchObject({ reminded: [] });
    for (const [key, value] of [
      ['paymentReminderDays', -1],
      ['paymentReminderDays', 2.5],
      ['lateFee', { enabled: true, amountCents: 0, graceDays: 7 }],
      ['lateFee', { enabled: true, amountCents: 1500, graceDays: -1 }],
      ['lateFee', { enabled: 'yes', amountCents: 1500, graceDays: 7 }],
    ] as const) {
      const res = await inject('PUT', `/api/v1/settings/${key}`, w.admin, { value });
      expect(res.statusCode, `${key} ${JSON.stringify(value)}`).toBe(400);
      expect(res.json().error.details[0].field).toMatch(/^body\.value/);
    }
    const stored = await inject('GET', '/api/v1/settings', w.admin);
    expect(JSON.stringify(stored.json())).not.toContain('"amountCents":0');
    expect((await inject('PUT', '/api/v1/settings/paymentReminderDays', w.admin, { value: 3 })).statusCode).toBe(200);
  });

  it('charges one late fee per debt past its grace days, tells the family, and lets an admin waive it', async () => {
    const declined = await w.process(parent, { studentId, amountCents: 3000, paymentMethodId: 'pm_card_chargeDeclined', description: 'Theory book' });
    expect(declined.json()).toMatchObject({ status: 'failed' });
    const debtId = declined.json().paymentId as number;
    // the admin alert went to the school's address and names the family
    const alert = await sink.waitFor((m) => m.to.includes(SCHOOL.email) && m.subject.includes(`Payment ${debtId} failed`));
    expect(alert.subject).toBe(`[Maple & Cedar Music] Payment ${debtId} failed`);
    expect(alert.text).toContain(`Robin Tester <${parent.email}>`);
    expect(alert.text).toContain('student Emma Robinson');

    // due when it first failed (the gateway's time, which the earlier renewal moved a month on)
    const [{ first_failed_at: dueAt }] = (await w.sql<{ first_failed_at: Date }>('SELECT first_failed_at FROM payments WHERE id = $1', [debtId])) as [{ first_failed_at: Date }];
    const daysAfterDue = (days: number) => new Date(dueAt.getTime() + days * DAY);
    // off by default
    expect((await runCron(LATE_FEES_WORKFLOW, daysAfterDue(30))).assess).toMatchObject({ assessed: [] });
    const policy = await inject('PUT', '/api/v1/settings/lateFee', w.admin, { value: { enabled: true, amountCents: 1500, graceDays: 7 } });
    expect(policy.statusCode, policy.body).toBe(200);
    expect((await runCron(LATE_FEES_WORKFLOW, daysAfterDue(6))).assess).toMatchObject({ assessed: [] });
    const outputs = await runCron(LATE_FEES_WORKFLOW, daysAfterDue(8));
    expect(outputs.assess!.assessed).toHaveLength(1);
    expect(outputs['charge-and-tell']!.told).toHaveLength(1);
    const [fee] = await w.sql<{ id: number; fee_payment_id: number; source_payment_id: number }>(
      'SELECT id, fee_payment_id, source_payment_id FROM late_fees WHERE parent_id = $1',
      [parent.id],
    );
    expect(fee!.source_payment_id).toBe(debtId);
    const [run] = await w.sql<{ id: string }>(`SELECT workflow_run_id AS id FROM payments WHERE id = $1`, [fee!.fee_payment_id]);
    await w.stack.engine.waitFor(run!.id, 30_000);
    await w.idle();
    const feePayment = (await inject('GET', `/api/v1/payments/${fee!.fee_payment_id}`, parent)).json();
    expect(feePayment).toMatchObject({ status: 'succeeded', amountCents: 1500, kind: 'payment', description: 'Late fee: Theory book' });
    expect(await w.sql('SELECT amount_cents FROM ledger_entries WHERE payment_id = $1', [fee!.fee_payment_id])).toEqual([{ amount_cents: 1500 }]);
    const notice = await sink.waitFor((m) => m.to.includes(parent.email) && m.subject.startsWith('Late fee'));
    expect(notice.subject).toBe('Late fee of $15.00 CAD from Maple & Cedar Music');
    expect(notice.text).toContain('$30.00 CAD for Theory book');
    // once per debt
    expect((await runCron(LATE_FEES_WORKFLOW, daysAfterDue(9))).assess).toMatchObject({ assessed: [] });
    expect(await w.sql('SELECT 1 FROM late_fees WHERE parent_id = $1', [parent.id])).toHaveLength(1);

    // bad requests change nothing
    const snapshot = async () => w.sql('SELECT id, waived_at, (SELECT status FROM payments WHERE id = fee_payment_id) AS status FROM late_fees ORDER BY id');
    const before = await snapshot();
    const bad: Array<[User, number, unknown, number, string | null]> = [
      [w.admin, debtId, {}, 400, 'params.id'],
      [w.admin, 2_000_000, {}, 400, 'params.id'],
      [w.admin, fee!.fee_payment_id, { reason: '' }, 400, 'body.reason'],
      [parent, fee!.fee_payment_id, {}, 403, null],
      [w.teacher, fee!.fee_payment_id, {}, 403, null],
    ];
    for (const [user, id, body, status, field] of bad) {
      const res = await inject('POST', `/api/v1/payments/${id}/waive-late-fee`, user, body);
      expect(res.statusCode, res.body).toBe(status);
      if (field) expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await snapshot()).toEqual(before);

    const waived = await inject('POST', `/api/v1/payments/${fee!.fee_payment_id}/waive-late-fee`, w.admin, { reason: 'First time' });
    expect(waived.statusCode, waived.body).toBe(200);
    expect(waived.json()).toMatchObject({ lateFeeId: fee!.id, paymentId: fee!.fee_payment_id, status: 'refunded', refundedCents: 1500 });
    expect((await inject('POST', `/api/v1/payments/${fee!.fee_payment_id}/waive-late-fee`, w.admin, {})).statusCode).toBe(409);
    const audit = await w.sql<{ action: string; actor_id: number | null }>(
      `SELECT action, actor_id FROM audit_log WHERE action IN ('late_fee.assessed', 'late_fee.waived') AND entity_id IN ($1, $2) ORDER BY id`,
      [String(debtId), String(fee!.fee_payment_id)],
    );
    expect(audit).toEqual([
      { action: 'late_fee.assessed', actor_id: null },
      { action: 'late_fee.waived', actor_id: w.admin.id },
    ]);
  });

  it('keeps the ledger and the gateway reconciled', async () => {
    await w.idle();
    const from = new Date(Date.now() - DAY).toISOString();
    const to = new Date((await w.sim.now()).getTime() + 2 * DAY).toISOString();
    const res = await inject('GET', `/api/v1/payments/reconciliation?from=${from}&to=${to}`, w.admin);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.differences).toEqual([]);
    expect(report.ledger.netCents).toBe(report.gatewayTotals.netCents);
    // first invoice 150.00, renewal 90.00, late fee 15.00 refunded
    expect(report.ledger).toMatchObject({ paymentsCents: 15_000 + 9000 + 1500, refundsCents: 1500 });
  });
});

describe('subscription bad input (simulated gateway)', () => {
  let w: PaymentWorld;
  beforeAll(async () => {
    w = await createPaymentWorld('simulated');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('refuses a first period over one payment, another family’s student and an unknown one, naming the field, with nothing changed', async () => {
    const f = await w.family();
    const other = await w.family();
    await w.stack.app.inject({
      method: 'POST',
      url: `/api/v1/billing/${f.parent.id}/payment-methods`,
      headers: f.parent.headers,
      payload: { paymentMethod: 'pm_card_visa', makeDefault: true },
    });
    for (let days = 1; days <= 12; days++) await w.lesson(f.children[0]!, days);
    const count = async () => (await w.sql<{ n: number }>('SELECT (SELECT count(*) FROM lesson_subscriptions) + (SELECT count(*) FROM subscription_periods) AS n'))[0]!.n;
    const before = await count();
    const objects = await w.gatewayObjects();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ action: 'start', studentId: f.children[0], interval: 'month' }, 'body.interval'], // 12 lessons × 45.00 = 540.00
      [{ action: 'start', studentId: other.children[0], interval: 'month' }, 'body.studentId'],
      [{ action: 'start', studentId: 2_000_000, interval: 'month' }, 'body.studentId'],
      [{ action: 'start', studentId: f.children[0], interval: 'week' }, 'body.interval'],
    ];
    for (const [payload, field] of cases) {
      const res = await w.stack.app.inject({ method: 'POST', url: `/api/v1/billing/${f.parent.id}/subscription`, headers: w.admin.headers, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await count()).toBe(before);
    expect(await w.gatewayObjects()).toBe(objects);
  });
});
