import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { assessLateFee } from '../../src/modules/payments/late-fees.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { openSection, startWebSchool, type WebSchool } from '../helpers/web-school.js';

/**
 * The admin console's money pages in Chromium against the real app (real worker, simulated
 * gateway, mail to an SMTP sink): a failed payment retried from the page, a refund refused then
 * made, an offline payment refused then recorded and its receipt in the outbox, a setting refused
 * then changed and read back. Each at 375 px and 1280 px, with screenshots.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;

run('the admin console: payments, outbox, settings', { timeout: 180_000 }, () => {
  let w: WebSchool;
  let admin: Awaited<ReturnType<typeof createUser>>;
  const password = 'Admin-money-password!';
  let counter = 0;

  beforeAll(async () => {
    w = await startWebSchool();
    admin = await createUser(w.stack.database.db, 'admin', { passwordHash: await hashPassword(password) });
  }, 240_000);
  afterAll(async () => w?.close());

  const sql = () => w.stack.database.db.sql;

  /** A parent (unique first name) with one child taught by a new teacher. */
  async function family() {
    counter += 1;
    const parent = await createUser(w.stack.database.db, 'parent', { firstName: `Robin${counter}x${Date.now() % 100_000}` });
    const teacher = await createUser(w.stack.database.db, 'teacher');
    const [student] = await sql().query<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, 'Juniper', 'Family', '2015-03-04', 'piano', 4500) RETURNING id`,
      [parent.id, teacher.teacherId],
    );
    const [named] = await sql().query<{ first_name: string; last_name: string }>('SELECT first_name, last_name FROM users WHERE id = $1', [parent.id]);
    return { parent, studentId: student!.id, name: `${named!.first_name} ${named!.last_name}` };
  }
  type Family = Awaited<ReturnType<typeof family>>;

  /** Charges 45.00 to `card` through the payment workflow; waits until it has ended and returns the payment's id and status. */
  async function charge(f: Family, card: string): Promise<{ id: number; status: string }> {
    const res = await w.stack.app.inject({
      method: 'POST',
      url: '/api/v1/payments/process',
      headers: admin.headers,
      payload: { studentId: f.studentId, amountCents: 4500, paymentMethodId: card, description: 'Piano lesson' },
    });
    expect([200, 202], res.body).toContain(res.statusCode);
    const id = res.json().paymentId as number;
    await expect.poll(() => statusOf(id), { timeout: 60_000, interval: 200 }).toMatch(/^(succeeded|failed)$/);
    return { id, status: await statusOf(id) };
  }

  const statusOf = async (paymentId: number): Promise<string> => (await sql().query<{ status: string }>('SELECT status FROM payments WHERE id = $1', [paymentId]))[0]?.status ?? '';

  /** How wide the page's content is, px: never more than the screen. */
  const widthOf = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

  async function signedIn(width: number, height: number) {
    const context = await w.browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await w.signIn(page, admin.email, password);
    await page.getByRole('heading', { name: 'School office' }).waitFor();
    return { context, page };
  }

  for (const viewport of viewports) {
    it(`retries a failed payment from the payments page (${viewport.width} px)`, async () => {
      const f = await family();
      const debt = await charge(f, 'pm_card_chargeDeclined');
      expect(debt.status).toBe('failed');
      const card = await w.stack.app.inject({
        method: 'POST',
        url: `/api/v1/billing/${f.parent.id}/payment-methods`,
        headers: admin.headers,
        payload: { paymentMethod: 'pm_card_visa', makeDefault: true },
      });
      expect(card.statusCode, card.body).toBe(201);

      const { context, page } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Payments');
        const failed = page.getByRole('region', { name: 'Failed payments' });
        await failed.getByText(f.name).first().waitFor();
        await screenshot(page, `admin-money-failed-${viewport.name}`);
        await failed.getByRole('button', { name: `Retry now: payment ${debt.id} of $45.00` }).click();
        await failed
          .getByRole('status')
          .getByText(new RegExp(`Retry succeeded: payment ${debt.id} is paid|The retry of payment ${debt.id} is still running`))
          .waitFor({ timeout: 60_000 });
        await expect.poll(() => statusOf(debt.id), { timeout: 60_000 }).toBe('succeeded');

        const filters = page.getByRole('form', { name: 'Filter payments' });
        await filters.getByLabel('Family').selectOption({ label: f.name });
        await filters.getByLabel('Status').selectOption('succeeded');
        const recent = page.getByRole('region', { name: 'Recent payments' });
        await recent.getByRole('link', { name: `Payment ${debt.id}` }).waitFor();
        await expect.poll(() => recent.getByRole('link', { name: /^Payment \d+$/ }).count()).toBe(1);
        await screenshot(page, `admin-money-retried-${viewport.name}`);
        expect(await widthOf(page)).toBeLessThanOrEqual(viewport.width);
      } finally {
        await context.close();
      }
    });

    it(`refunds part of a payment after the server refuses too much (${viewport.width} px)`, async () => {
      const f = await family();
      const paid = await charge(f, 'pm_card_visa');
      expect(paid.status).toBe('succeeded');
      const [row] = await sql().query<{ receipt_number: string }>('SELECT receipt_number FROM payments WHERE id = $1', [paid.id]);

      const { context, page } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Payments');
        await page.getByRole('form', { name: 'Filter payments' }).getByLabel('Family').selectOption({ label: f.name });
        await page
          .getByRole('region', { name: 'Recent payments' })
          .getByRole('link', { name: `Payment ${paid.id}` })
          .click();
        await page.getByRole('heading', { name: `Payment ${paid.id}` }).waitFor();
        await page.getByRole('region', { name: 'Receipt' }).getByText(`Receipt ${row!.receipt_number}`).waitFor();

        const refund = page.getByRole('region', { name: 'Refund' });
        await refund.getByLabel('Amount to refund (CAD)').fill('50');
        await refund.getByLabel('Reason').fill('Lesson cut short');
        await refund.getByRole('button', { name: 'Refund' }).click();
        await refund.getByRole('alert').waitFor();
        expect(await refund.getByRole('alert').textContent()).toBeTruthy();
        await refund.getByText('exceeds what is left to refund (45.00 CAD)', { exact: true }).waitFor();
        expect(await refund.getByLabel('Amount to refund (CAD)').getAttribute('aria-invalid')).toBe('true');
        await screenshot(page, `admin-money-refund-refused-${viewport.name}`);

        await refund.getByLabel('Amount to refund (CAD)').fill('10');
        await refund.getByRole('button', { name: 'Refund' }).click();
        await refund.getByRole('status').getByText('Refunded $10.00; $10.00 refunded in all (partially_refunded).').waitFor({ timeout: 60_000 });
        await page.getByRole('region', { name: 'Details' }).getByText('partially_refunded').waitFor();
        await screenshot(page, `admin-money-refunded-${viewport.name}`);
        const audit = await sql().query<{ after: { reason?: string } }>(`SELECT after FROM audit_log WHERE entity = 'payment' AND entity_id = $1 AND action = 'payment.refunded'`, [
          String(paid.id),
        ]);
        expect(audit.map((a) => a.after.reason)).toEqual(['Lesson cut short']);
      } finally {
        await context.close();
      }
    });

    it(`records an offline payment after a bad amount, and the outbox shows its receipt (${viewport.width} px)`, async () => {
      const f = await family();
      const { context, page } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Payments');
        const form = page.getByRole('region', { name: 'Record an offline payment' });
        await form.getByLabel('Family').selectOption({ label: `${f.name} (${f.parent.email})` });
        await form.getByLabel('Student (optional)').selectOption({ label: 'Juniper Family' });
        await form.getByLabel('Amount (CAD)').fill('600');
        await form.getByLabel('Method').selectOption('cheque');
        await form.getByLabel('Reference (optional)').fill('CHQ-101');
        await form.getByRole('button', { name: 'Record payment' }).click();
        await form.getByText('must be at most 50000 cents (500.00 CAD)', { exact: true }).waitFor();
        expect(await form.getByLabel('Amount (CAD)').getAttribute('aria-invalid')).toBe('true');
        await screenshot(page, `admin-money-offline-refused-${viewport.name}`);
        expect(await sql().query('SELECT id FROM payments WHERE parent_id = $1', [f.parent.id])).toEqual([]);

        await form.getByLabel('Amount (CAD)').fill('45.00');
        await form.getByRole('button', { name: 'Record payment' }).click();
        await form
          .getByRole('status')
          .getByText(/Recorded \$45\.00, receipt R-\d+/)
          .waitFor();
        const [recorded] = await sql().query<{ id: number; receipt_number: string; method: string; reference: string; amount_cents: number }>(
          'SELECT id, receipt_number, method, reference, amount_cents FROM payments WHERE parent_id = $1',
          [f.parent.id],
        );
        expect(recorded).toMatchObject({ method: 'cheque', reference: 'CHQ-101', amount_cents: 4500 });
        await screenshot(page, `admin-money-offline-${viewport.name}`);

        // The receipt goes out through the notification workflow: wait for its outbox row, then find it on the page.
        await expect
          .poll(async () => (await sql().query('SELECT id FROM outbox WHERE recipient = $1 AND template = $2', [f.parent.email, 'payment_receipt'])).length, {
            timeout: 60_000,
          })
          .toBe(1);
        await openSection(page, 'Outbox');
        const messages = page.getByRole('list', { name: 'Messages' });
        const message = messages.getByRole('listitem').filter({ hasText: f.parent.email });
        await message.getByText(`Receipt ${recorded!.receipt_number}`).click();
        await message.getByText('Template').waitFor();
        await message.getByText('payment_receipt').waitFor();
        await message.locator('pre').getByText(recorded!.receipt_number).first().waitFor();
        await screenshot(page, `admin-money-outbox-${viewport.name}`);
        expect(await widthOf(page)).toBeLessThanOrEqual(viewport.width);
      } finally {
        await context.close();
      }
    });

    it(`changes a setting after the server refuses a bad value, and reads it back (${viewport.width} px)`, async () => {
      const hours = viewport.width === 375 ? '36' : '48';
      const { context, page } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Settings');
        const form = page.getByRole('form', { name: 'Cancellation window (hours)' });
        await form.getByLabel('Cancellation window (hours)').fill('500');
        await form.getByRole('button', { name: 'Save' }).click();
        await form.getByRole('alert').waitFor();
        await form.getByText(/168/).first().waitFor();
        expect(await form.getByLabel('Cancellation window (hours)').getAttribute('aria-invalid')).toBe('true');
        await screenshot(page, `admin-money-setting-refused-${viewport.name}`);

        await form.getByLabel('Cancellation window (hours)').fill(hours);
        await form.getByRole('button', { name: 'Save' }).click();
        await form.getByRole('status').getByText('Saved.').waitFor();
        const read = await w.stack.app.inject({ method: 'GET', url: '/api/v1/settings/cancellationWindowHours', headers: admin.headers });
        expect(read.json().value).toBe(Number(hours));

        await page.reload();
        await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
        await expect.poll(() => page.getByRole('form', { name: 'Cancellation window (hours)' }).getByLabel('Cancellation window (hours)').inputValue()).toBe(hours);
        await page
          .getByRole('region', { name: 'AI providers' })
          .getByText(/rules drafter|Tried in order/)
          .first()
          .waitFor();
        await screenshot(page, `admin-money-settings-${viewport.name}`);
        expect(await widthOf(page)).toBeLessThanOrEqual(viewport.width);
      } finally {
        await context.close();
      }
    });

    it(`waives a late fee, and every other form shows the server's message for bad input (${viewport.width} px)`, async () => {
      const f = await family();
      const debt = await charge(f, 'pm_card_chargeDeclined');
      const debtOf = { kind: 'payment' as const, id: debt.id, parentId: f.parent.id, studentId: f.studentId, owedCents: 4500, description: 'Piano lesson', dueAt: new Date() };
      const feeId = await assessLateFee(w.stack.services, debtOf, { enabled: true, amountCents: 1500, graceDays: 0 }, { userId: null, role: 'system' });
      const [fee] = await sql().query<{ fee_payment_id: number }>('SELECT fee_payment_id FROM late_fees WHERE id = $1', [feeId]);

      const { context, page } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Payments');
        const waive = page.getByRole('form', { name: `Waive late fee: payment ${fee!.fee_payment_id} of $15.00` });
        await waive.getByLabel('Reason for waiving').fill('x'.repeat(501));
        await waive.getByRole('button', { name: 'Waive late fee' }).click();
        await waive.getByRole('alert').waitFor();
        expect(await waive.getByLabel('Reason for waiving').getAttribute('aria-invalid')).toBe('true');
        expect(await sql().query('SELECT waived_at FROM late_fees WHERE id = $1', [feeId])).toEqual([{ waived_at: null }]);
        await waive.getByLabel('Reason for waiving').fill('First time late');
        await waive.getByRole('button', { name: 'Waive late fee' }).click();
        await page.getByRole('region', { name: 'Failed payments' }).getByRole('status').getByText(`Late fee ${fee!.fee_payment_id} waived (cancelled).`).waitFor();
        const [waived] = await sql().query<{ waived_at: Date | null }>('SELECT waived_at FROM late_fees WHERE id = $1', [feeId]);
        expect(waived!.waived_at).toBeInstanceOf(Date);
        await screenshot(page, `admin-money-waived-${viewport.name}`);

        const period = page.getByRole('form', { name: 'Reconciliation period' });
        await period.getByLabel('From').fill('2026-12-10');
        await period.getByLabel('Before').fill('2026-12-01');
        await period.getByRole('button', { name: 'Compare' }).click();
        await page.getByRole('region', { name: 'Reconciliation' }).getByText('must be after from', { exact: true }).waitFor();

        await openSection(page, 'Settings');
        const school = page.getByRole('form', { name: 'School' });
        await school.getByLabel('Contact e-mail').fill('not-an-address');
        await school.getByRole('button', { name: 'Save school details' }).click();
        await school.getByRole('alert').waitFor();
        expect(await school.getByLabel('Contact e-mail').getAttribute('aria-invalid')).toBe('true');
        const lateFee = page.getByRole('form', { name: 'Late fee' });
        await lateFee.getByLabel('Days of grace').fill('100');
        await lateFee.getByRole('button', { name: 'Save late-fee policy' }).click();
        await lateFee.getByRole('alert').waitFor();
        expect(await lateFee.getByLabel('Days of grace').getAttribute('aria-invalid')).toBe('true');
        const instruments = page.getByRole('form', { name: 'instruments' });
        await instruments.getByLabel('instruments').fill('["Piano"]');
        await instruments.getByRole('button', { name: 'Save instruments' }).click();
        await instruments.getByRole('alert').getByText('body.value.0: must be a lower-case name such as piano').waitFor();
        expect(await instruments.getByLabel('instruments').getAttribute('aria-invalid')).toBe('true');
        await screenshot(page, `admin-money-settings-refused-${viewport.name}`);
        const stored = await sql().query<{ key: string }>("SELECT key FROM settings WHERE key IN ('school', 'lateFee', 'instruments') AND updated_by IS NOT NULL");
        expect(stored).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
