import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { startWebSchool, type WebSchool } from '../helpers/web-school.js';

/**
 * The parent's and the teacher's pages of the web app in Debian's Chromium, against the real app on
 * a port with the real worker, the simulated gateway and mail going to a local SMTP server. Every
 * scenario runs at 375 px and 1280 px and checks what the page did in the database.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;

run('the parent and teacher pages in a browser', { timeout: 180_000 }, () => {
  let w: WebSchool;
  let counter = 0;

  beforeAll(async () => {
    w = await startWebSchool();
  }, 180_000);
  afterAll(async () => w?.close());

  const sql = () => w.stack.database.db.sql;

  /**
   * A parent who can sign in, a child with a teacher who teaches every day 09:00–20:00 (school
   * time), and a scheduled lesson `hoursAhead` from now.
   */
  async function family(hoursAhead: number) {
    counter += 1;
    const password = `Family-${counter}-password!`;
    const admin = await createUser(w.stack.database.db, 'admin');
    const teacher = await createUser(w.stack.database.db, 'teacher');
    const parent = await createUser(w.stack.database.db, 'parent', { passwordHash: await hashPassword(password), firstName: 'Robin' });
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '20:00' }));
    const put = await w.stack.app.inject({ method: 'PUT', url: `/api/v1/teachers/${teacher.teacherId}/availability`, headers: admin.headers, payload: { weeklyHours: hours } });
    expect(put.statusCode, put.body).toBe(200);
    const childName = `Juniper${counter}`;
    const [student] = await sql().query<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, $3, 'Family', '2015-03-04', 'piano', 4500) RETURNING id`,
      [parent.id, teacher.teacherId, childName],
    );
    const [lesson] = await sql().query<{ id: number }>(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at)
       VALUES ($1, $2, date_trunc('hour', now()) + make_interval(hours => $3), 30, date_trunc('hour', now()) + make_interval(hours => $3) + interval '30 minutes') RETURNING id`,
      [student!.id, teacher.teacherId, hoursAhead],
    );
    return { admin, teacher, parent, password, childName, studentId: student!.id, lessonId: lesson!.id };
  }

  /** Chooses the third day offered (clear of any minimum notice) and its first free time; answers that slot's start. */
  async function chooseSlot(page: Page): Promise<string> {
    const day = page.getByLabel('Day');
    await day.locator('option').first().waitFor({ state: 'attached' });
    const values = await day.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value') ?? ''));
    await day.selectOption(values[Math.min(2, values.length - 1)]!);
    const first = page.getByRole('group', { name: 'Time' }).getByRole('radio').first();
    await first.check();
    return first.inputValue();
  }

  for (const viewport of viewports) {
    it(`a parent saves a card, sees a receipt, moves a lesson (and sees a refusal), books a make-up, sets preferences and writes to the school (${viewport.width} px)`, async () => {
      const { admin, parent, password, childName, studentId, lessonId } = await family(96);
      const context = await w.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      const page = await context.newPage();
      try {
        await w.signIn(page, parent.email, password);
        await page.getByRole('heading', { name: 'Hello, Robin' }).waitFor();

        // Saved cards: a refused id shows the server's reason on the field; the test Visa is saved.
        await page.getByRole('navigation', { name: 'Family' }).getByRole('link', { name: 'Cards' }).click();
        await page.getByRole('heading', { name: 'Saved cards' }).waitFor();
        await page.getByLabel('Card id').fill('pm_card_nonsense');
        await page.getByRole('button', { name: 'Save card' }).click();
        await page.getByRole('region', { name: 'Add a card' }).getByRole('alert').waitFor();
        expect(await sql().query('SELECT 1 FROM saved_payment_methods WHERE parent_id = $1', [parent.id])).toHaveLength(0);
        await page.getByLabel('Test card').selectOption('pm_card_visa');
        await page.getByRole('button', { name: 'Save card' }).click();
        await page.getByText('Saved: visa ending 4242 (default).').waitFor();
        await page.getByRole('list', { name: 'Saved cards' }).getByText('visa ending 4242').waitFor();
        await screenshot(page, `parent-cards-${viewport.name}`);
        const cards = await sql().query<{ last4: string; is_default: boolean }>('SELECT last4, is_default FROM saved_payment_methods WHERE parent_id = $1', [parent.id]);
        expect(cards).toEqual([{ last4: '4242', is_default: true }]);

        // The office charges the saved card: the parent sees the receipt.
        const charged = await w.stack.app.inject({
          method: 'POST',
          url: '/api/v1/payments/process',
          headers: admin.headers,
          payload: { studentId, amountCents: 4500, description: 'Piano lesson' },
        });
        expect([200, 202], charged.body).toContain(charged.statusCode);
        await expect
          .poll(async () => (await sql().query<{ receipt_number: string | null }>('SELECT receipt_number FROM payments WHERE parent_id = $1', [parent.id]))[0]?.receipt_number, {
            timeout: 60_000,
          })
          .toBeTruthy();
        const [payment] = await sql().query<{ receipt_number: string }>('SELECT receipt_number FROM payments WHERE parent_id = $1', [parent.id]);
        await page.getByRole('link', { name: 'Bills' }).click();
        await page.getByRole('list', { name: 'Receipts' }).getByText(payment!.receipt_number).waitFor();
        await page.getByRole('list', { name: 'Payments' }).getByText('succeeded').waitFor();
        await screenshot(page, `parent-bills-${viewport.name}`);

        // A lesson inside the reschedule window: the server's refusal is shown and nothing moves.
        const [soon] = await sql().query<{ id: number }>(
          `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at)
           SELECT student_id, teacher_id, scheduled_at - interval '84 hours', 30, ends_at - interval '84 hours' FROM lessons WHERE id = $1 RETURNING id`,
          [lessonId],
        );
        await page.goto(`${w.origin}/app/lessons/${soon!.id}/move`);
        await chooseSlot(page);
        await page.getByRole('button', { name: /^Move to/ }).click();
        await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('can no longer be rescheduled');
        expect(await sql().query("SELECT 1 FROM lessons WHERE rescheduled_from_id = $1 OR (id = $1 AND status <> 'scheduled')", [soon!.id])).toHaveLength(0);

        // Move the lesson to a free slot of the teacher.
        await page.getByRole('link', { name: 'Lessons', exact: true }).click();
        await page.getByRole('link', { name: 'Move this lesson' }).last().click();
        const newStart = await chooseSlot(page);
        await screenshot(page, `parent-reschedule-${viewport.name}`);
        await page.getByRole('button', { name: /^Move to/ }).click();
        await page
          .getByText(/^Moved to/)
          .or(page.getByRole('alert'))
          .first()
          .waitFor({ timeout: 30_000 });
        expect(await page.getByRole('alert').allTextContents()).toEqual([]);
        const moved = await sql().query<{ status: string; scheduled_at: Date }>('SELECT status, scheduled_at FROM lessons WHERE id = $1 OR rescheduled_from_id = $1 ORDER BY id', [
          lessonId,
        ]);
        expect(moved.map((l) => l.status)).toEqual(['rescheduled', 'scheduled']);
        expect(moved[1]!.scheduled_at.toISOString()).toBe(new Date(newStart).toISOString());

        // A make-up credit, used for a lesson at a free time.
        const [credit] = await sql().query<{ id: number }>(
          "INSERT INTO makeup_credits (student_id, reason, expires_on) VALUES ($1, 'Teacher was ill', current_date + 30) RETURNING id",
          [studentId],
        );
        await page.getByRole('link', { name: 'Make-up' }).click();
        await page.getByRole('group', { name: 'Which credit' }).getByLabel(childName, { exact: false }).check();
        const makeupStart = await chooseSlot(page);
        await page.getByRole('button', { name: /^Book the make-up/ }).click();
        await page
          .getByText(/^Make-up lesson booked/)
          .or(page.getByRole('alert'))
          .first()
          .waitFor({ timeout: 30_000 });
        expect(await page.getByRole('alert').allTextContents()).toEqual([]);
        await screenshot(page, `parent-makeup-${viewport.name}`);
        const [used] = await sql().query<{ lesson_type: string; scheduled_at: Date }>(
          'SELECT l.lesson_type, l.scheduled_at FROM makeup_credits c JOIN lessons l ON l.id = c.used_lesson_id WHERE c.id = $1',
          [credit!.id],
        );
        expect(used?.lesson_type).toBe('makeup');
        expect(used?.scheduled_at.toISOString()).toBe(new Date(makeupStart).toISOString());

        // Notification preferences: e-mail off.
        await page.getByRole('link', { name: /^Notifications/ }).click();
        await page.getByRole('link', { name: 'Notification preferences' }).click();
        await page.getByLabel('E-mail').uncheck();
        await page.getByRole('button', { name: 'Save preferences' }).click();
        await page.getByText('Saved.').waitFor();
        const [prefs] = await sql().query<{ email: boolean; in_app: boolean }>('SELECT email, in_app FROM notification_preferences WHERE user_id = $1', [parent.id]);
        expect(prefs).toEqual({ email: false, in_app: true });

        // A message to the school: an empty one is refused naming the field; then it is sent.
        await page.getByRole('link', { name: /^Messages/ }).click();
        await page.getByLabel('Subject').fill('Recital date');
        await page.getByRole('button', { name: 'Send message' }).click();
        await page.getByRole('region', { name: 'Write a message' }).getByRole('alert').waitFor();
        await page.getByLabel('Message', { exact: true }).fill(`When is the spring recital? (${viewport.name})`);
        await page.getByRole('button', { name: 'Send message' }).click();
        await page.getByRole('heading', { name: 'Recital date' }).waitFor();
        await page.getByRole('list', { name: 'Messages in this conversation' }).getByText('When is the spring recital?', { exact: false }).waitFor();
        await screenshot(page, `parent-message-${viewport.name}`);
        const sent = await sql().query<{ with_school: boolean; body: string }>(
          'SELECT c.with_school, m.body FROM conversations c JOIN conversation_messages m ON m.conversation_id = c.id WHERE c.parent_id = $1',
          [parent.id],
        );
        expect(sent).toEqual([{ with_school: true, body: `When is the spring recital? (${viewport.name})` }]);
      } finally {
        await context.close();
      }
    });

    it(`a teacher adds time off and writes shared and private notes (${viewport.width} px)`, async () => {
      const { teacher, lessonId } = await family(-2);
      const password = `Teacher-${viewport.width}-password!`;
      await sql().query('UPDATE users SET password_hash = $1 WHERE id = $2', [await hashPassword(password), teacher.id]);
      await sql().query("UPDATE lessons SET status = 'completed', attendance = 'present', completed_at = now() WHERE id = $1", [lessonId]);
      const context = await w.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      const page = await context.newPage();
      try {
        await w.signIn(page, teacher.email, password);
        await page.getByRole('heading', { name: 'Your week' }).waitFor();
        await page.getByText(/^Notes on/).click();
        await page.getByLabel('Shared notes (the family sees them)').fill('Practise the G major scale.');
        await page.getByLabel('Private notes (teachers and the office only)').fill('Tired today.');
        await page.getByRole('button', { name: 'Save notes' }).click();
        await page.getByText('Notes saved.').waitFor();
        const [notes] = await sql().query<{ notes: string; private_notes: string }>('SELECT notes, private_notes FROM lessons WHERE id = $1', [lessonId]);
        expect(notes).toEqual({ notes: 'Practise the G major scale.', private_notes: 'Tired today.' });

        await page.getByRole('link', { name: 'Time off' }).click();
        await page.getByRole('heading', { name: 'Time off', exact: true }).waitFor();
        // Bad input: the end before the start is refused and nothing is saved.
        await page.getByLabel('From').fill('2031-03-10T09:00');
        await page.getByLabel('Until').fill('2031-03-09T09:00');
        await page.getByRole('button', { name: 'Add time off' }).click();
        await page.getByRole('region', { name: 'Add time off' }).getByRole('alert').waitFor();
        expect(await sql().query('SELECT 1 FROM teacher_time_off WHERE teacher_id = $1', [teacher.teacherId])).toHaveLength(0);
        await page.getByLabel('Until').fill('2031-03-12T18:00');
        await page.getByLabel('Reason (optional)').fill('Conference');
        await page.getByRole('button', { name: 'Add time off' }).click();
        await page.getByText(/^Time off added/).waitFor();
        await page.getByRole('list', { name: 'Upcoming time off' }).getByText('Conference').waitFor();
        await screenshot(page, `teacher-time-off-${viewport.name}`);
        const zone = (await w.stack.app.inject({ method: 'GET', url: '/api/v1/public/school' })).json().timezone as string;
        const offs = await sql().query<{ starts: string; ends: string; reason: string }>(
          `SELECT to_char(starts_at AT TIME ZONE $2, 'YYYY-MM-DD"T"HH24:MI') AS starts, to_char(ends_at AT TIME ZONE $2, 'YYYY-MM-DD"T"HH24:MI') AS ends, reason
           FROM teacher_time_off WHERE teacher_id = $1`,
          [teacher.teacherId, zone],
        );
        expect(offs).toEqual([{ starts: '2031-03-10T09:00', ends: '2031-03-12T18:00', reason: 'Conference' }]);
      } finally {
        await context.close();
      }
    });
  }
});
