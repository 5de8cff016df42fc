/**
 * The steps whose failure the brief records instead of undoing the enrollment: payment setup when
 * the gateway cannot be reached (after the retries), no free demo slot, welcome e-mails that cannot
 * be sent. Each ends `completed`, flagged for the office.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentGateway } from '../../src/modules/payments/gateway/index.js';
import type { PaymentGateway } from '../../src/modules/payments/gateway/types.js';
import { createUser } from '../helpers/app.js';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import type { TestStack } from '../helpers/stack.js';
import { createTeacher, enrollmentForm, enrollmentStack } from './helpers.js';

let database: TestDatabase;
let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;
let customerCalls = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  // The real (simulated) gateway, except that creating a customer cannot reach it.
  const real = createPaymentGateway(testConfig(), database.db.sql);
  const unreachable: PaymentGateway = Object.assign(Object.create(real) as PaymentGateway, {
    createCustomer: async () => {
      customerCalls += 1;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    },
  });
  s = await enrollmentStack({ database, gateway: unreachable, without: ['notification'] });
  admin = await createUser(database.db, 'admin');
});
afterAll(async () => {
  await s?.close();
});

const enroll = (form: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });

describe('failures that are recorded, not undone', () => {
  it('completes with every recorded failure flagged: gateway unreachable, no demo slot, no welcome mail', { timeout: 30_000 }, async () => {
    const teacher = await createTeacher(database.db, { hours: {} }); // no weekly hours: no slot at all
    const res = await enroll(enrollmentForm());
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'completed', assignedTeacherId: teacher.teacherId, paymentSetup: 'failed' });
    expect(body.flags).toEqual(['payment_setup_failed', 'demo_lesson_not_scheduled', 'welcome_email_failed']);
    expect(body.errors).toEqual([
      { code: 'payment_setup_failed', message: 'Payment setup failed: connect ECONNREFUSED 127.0.0.1:443' },
      { code: 'demo_lesson_not_scheduled', message: expect.stringContaining('the school will arrange the demo lesson') },
      { code: 'welcome_email_failed', message: expect.stringContaining('unknown workflow "notification"') },
    ]);
    expect(body.demoLesson).toBeUndefined();
    expect(customerCalls).toBe(3); // the payment step's three attempts
    const [student] = await database.db.sql.query('SELECT teacher_id FROM students WHERE id = $1', [body.studentId]);
    expect(student).toEqual({ teacher_id: teacher.teacherId });
  });
});
