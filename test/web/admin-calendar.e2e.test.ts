import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createTeacher, enrollmentForm } from '../enrollments/helpers.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { openSection, startWebSchool, type WebSchool } from '../helpers/web-school.js';

/**
 * The admin console's calendar and enrollments sections in Chromium against the real app on a
 * port (real worker, PGlite or PostgreSQL): a lesson in the week and the day view, cancelled with a
 * make-up credit; a closure added with its lessons cancelled; a waitlisted family promoted. Each
 * form's bad input shows the server's message. Every scenario at 375 px and 1280 px.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;
const ZONE = 'America/Halifax';

/** A weekday (Monday to Friday) at least `days` days from today, as a local date. */
function weekdayAhead(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  while (date.getUTCDay() === 0 || date.getUTCDay() === 6) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

run('the admin calendar and enrollments in a browser', { timeout: 180_000 }, () => {
  let w: WebSchool;
  let admin: Awaited<ReturnType<typeof createUser>>;
  const password = 'Calendar-admin-password!';

  beforeAll(async () => {
    w = await startWebSchool();
    admin = await createUser(w.stack.database.db, 'admin', { passwordHash: await hashPassword(password) });
    const instruments = await w.stack.app.inject({
      method: 'PUT',
      url: '/api/v1/settings/instruments',
      headers: admin.headers,
      payload: { value: ['piano', 'guitar', 'violin', 'voice', 'drums', 'cello', 'harp'] },
    });
    expect(instruments.statusCode, instruments.body).toBe(200);
  }, 240_000);
  afterAll(async () => w?.close());

  const sql = () => w.stack.database.db.sql;

  /** A piano teacher, a student of a new family and a 30-minute lesson at 16:00 school time on `date`. */
  async function lessonOn(date: string, tag: string) {
    const teacher = await createTeacher(w.stack.database.db, { instruments: ['piano'], firstName: `Clara${tag}` });
    const parent = await createUser(w.stack.database.db, 'parent');
    const studentName = `Juniper${tag}`;
    const [student] = await sql().query<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, $3, 'Family', '2015-03-04', 'piano', 4500) RETURNING id`,
      [parent.id, teacher.teacherId, studentName],
    );
    const [lesson] = await sql().query<{ id: number }>(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at)
       VALUES ($1, $2, ($3::date + time '16:00') AT TIME ZONE '${ZONE}', 30, ($3::date + time '16:30') AT TIME ZONE '${ZONE}') RETURNING id`,
      [student!.id, teacher.teacherId, date],
    );
    return { teacherName: `Clara${tag} Tester`, studentName, lessonId: lesson!.id };
  }

  async function signedIn(width: number, height: number): Promise<Page> {
    const context = await w.browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await w.signIn(page, admin.email, password);
    await page.getByRole('heading', { name: 'School office' }).waitFor();
    return page;
  }

  /** Nothing is wider than the screen. */
  async function fitsWidth(page: Page, width: number) {
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
  }

  viewports.forEach((viewport, index) => {
    const tag = `${viewport.width}`;

    it(`shows a lesson in the week and the day view and cancels it with a make-up credit (${viewport.width} px)`, async () => {
      const date = weekdayAhead(3 + 28 * index);
      const { teacherName, studentName, lessonId } = await lessonOn(date, tag);
      const page = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Calendar');
        await page.getByLabel('Go to date').fill(date);
        const chip = page.getByRole('button', { name: new RegExp(`4:00\\sp\\.?m\\.?\\s+${studentName}\\b`, 'i') });
        await chip.waitFor();
        await page.getByRole('rowheader', { name: teacherName }).waitFor();
        await fitsWidth(page, viewport.width);
        await screenshot(page, `admin-calendar-week-${viewport.name}`);

        await page.getByRole('button', { name: 'Day', exact: true }).click();
        await page
          .getByRole('region', { name: teacherName })
          .getByRole('button', { name: new RegExp(`${studentName}\\b`) })
          .waitFor();
        await fitsWidth(page, viewport.width);
        await screenshot(page, `admin-calendar-day-${viewport.name}`);

        await page.getByRole('button', { name: new RegExp(`${studentName}\\b`) }).click();
        const details = page.getByRole('region', { name: 'Lesson details' });
        await details.getByRole('heading', { name: new RegExp(`${studentName}\\b`) }).waitFor();

        // Bad input: a time in the past; the server's message names the field.
        await details.getByLabel('New time').fill('2020-01-06T16:00');
        await details.getByRole('button', { name: 'Reschedule' }).click();
        await expect.poll(() => details.getByRole('alert').textContent()).toContain('The new time is in the past');
        await details.getByText('The new time is in the past', { exact: true }).waitFor();

        await details.getByLabel('Reason').fill('The teacher is ill');
        await details.getByLabel('The school (a make-up credit)').check();
        await details.getByRole('button', { name: 'Cancel the lesson' }).click();
        await details.getByText(/Make-up credit #\d+ granted/).waitFor();
        await page.getByRole('button', { name: new RegExp(`${studentName}\\b.*cancelled`) }).waitFor();
        await screenshot(page, `admin-calendar-cancelled-${viewport.name}`);

        const [lesson] = await sql().query<{ status: string; cancellation_reason: string }>('SELECT status, cancellation_reason FROM lessons WHERE id = $1', [lessonId]);
        expect(lesson).toEqual({ status: 'cancelled', cancellation_reason: 'The teacher is ill' });
        const credits = await sql().query<{ id: number }>('SELECT id FROM makeup_credits WHERE source_lesson_id = $1', [lessonId]);
        expect(credits).toHaveLength(1);
        await details.getByText(`Make-up credit #${credits[0]!.id} granted`, { exact: false }).waitFor();
      } finally {
        await page.context().close();
      }
    });

    it(`adds a closure that cancels the lessons on its day, shown on the calendar (${viewport.width} px)`, async () => {
      const date = weekdayAhead(10 + 28 * index);
      const { studentName, lessonId } = await lessonOn(date, `${tag}c`);
      const page = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Calendar');
        const form = page.getByRole('region', { name: 'Add a closure' });
        const name = `Storm day ${tag}`;
        await form.getByLabel('Name').fill(name);
        await form.getByLabel('First day').fill(date);
        await form.getByLabel('Last day').fill('2020-01-01');
        await form.getByRole('button', { name: 'Add the closure' }).click();
        // Bad input: the last day before the first; the server's message is shown at the field.
        await form.getByText(`must be on or after startsOn (${date})`, { exact: true }).waitFor();
        await expect.poll(() => form.getByRole('alert').textContent()).toBeTruthy();

        await form.getByLabel('Last day').fill(date);
        await form.getByRole('list', { name: 'Lessons on these days' }).getByText(studentName, { exact: false }).waitFor();
        await form.getByLabel(/Cancel the lessons on these days/).check();
        await form.getByRole('button', { name: 'Add the closure' }).click();
        await form
          .getByRole('status')
          .getByText(new RegExp(`${studentName}.*: cancelled`))
          .waitFor();

        await page.getByLabel('Go to date').fill(date);
        await page.getByRole('list', { name: 'Closures' }).getByText(name).waitFor();
        await page.getByRole('button', { name: new RegExp(`${studentName}\\b.*cancelled`) }).waitFor();
        await fitsWidth(page, viewport.width);
        await screenshot(page, `admin-calendar-closure-${viewport.name}`);

        const credits = await sql().query<{ id: number }>('SELECT id FROM makeup_credits WHERE source_lesson_id = $1', [lessonId]);
        expect(credits).toHaveLength(1);
        const [closure] = await sql().query<{ n: number }>('SELECT count(*)::int AS n FROM closures WHERE name = $1', [name]);
        expect(closure!.n).toBe(1);
      } finally {
        await page.context().close();
      }
    });

    it(`approves one enrollment awaiting the account owner's confirmation and declines another with a reason (${viewport.width} px)`, async () => {
      await createTeacher(w.stack.database.db, { instruments: ['piano'], firstName: `Ana${tag}` });
      const owner = await createUser(w.stack.database.db, 'parent');
      const forms = [enrollmentForm({ parentEmail: owner.email }), enrollmentForm({ parentEmail: owner.email })];
      const ids: number[] = [];
      for (const form of forms) {
        const submitted = await w.stack.app.inject({ method: 'POST', url: '/api/v1/public/enrollments', payload: form });
        expect(submitted.statusCode, submitted.body).toBe(202);
        ids.push((submitted.json() as { enrollmentId: number }).enrollmentId);
      }
      const statusOf = async (id: number) => (await w.stack.app.inject({ method: 'GET', url: `/api/v1/enrollments/${id}/status`, headers: admin.headers })).json().status;
      for (const id of ids) await expect.poll(() => statusOf(id), { timeout: 60_000 }).toBe('awaiting_confirmation');
      const [approved, declined] = forms.map((form) => `${form.studentFirstName} ${form.studentLastName}`) as [string, string];
      const page = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Enrollments');
        await page.getByLabel('Status').selectOption({ label: 'Awaiting confirmation' });
        const list = page.getByRole('region', { name: 'Enrollments' });
        const rowOf = (name: string) => list.getByRole('row').filter({ hasText: name });

        // Bad input: declining without a reason; the server's message is shown at the field.
        await rowOf(declined).getByRole('button', { name: 'Decline', exact: true }).click();
        await rowOf(declined).getByText('must not be empty', { exact: true }).waitFor();
        await fitsWidth(page, viewport.width);
        await screenshot(page, `admin-enrollments-awaiting-${viewport.name}`);

        await rowOf(declined).getByLabel(`Reason for declining ${declined}`).fill('We are full this term');
        await rowOf(declined).getByRole('button', { name: 'Decline', exact: true }).click();
        await list.getByRole('status').getByText(`Declined the enrollment of ${declined}.`).waitFor();
        await rowOf(approved)
          .getByRole('button', { name: `Approve ${approved}` })
          .click();
        await list.getByRole('status').getByText(`Approved the enrollment of ${approved}: it goes on.`).waitFor();
        await screenshot(page, `admin-enrollments-answered-${viewport.name}`);

        await expect.poll(() => statusOf(ids[1]!), { timeout: 60_000 }).toBe('rejected');
        await expect.poll(() => statusOf(ids[0]!), { timeout: 60_000 }).toBe('completed');
      } finally {
        await page.context().close();
      }
    });

    it(`lists a waitlisted family and promotes it to a teacher of the instrument (${viewport.width} px)`, async () => {
      const instrument = index === 0 ? 'cello' : 'harp';
      const form = enrollmentForm({ instrument });
      const studentName = `${form.studentFirstName} ${form.studentLastName}`;
      const enrolled = await w.stack.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });
      expect(enrolled.statusCode, enrolled.body).toBe(200);
      const { enrollmentId, status } = enrolled.json() as { enrollmentId: number; status: string };
      expect(status).toBe('waitlisted');
      const page = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Enrollments');
        const entry = page.getByRole('list', { name: 'Waitlist' }).getByRole('listitem').filter({ hasText: studentName });
        await entry.getByText(`Waits for ${instrument}, 30 min lessons`, { exact: false }).waitFor();
        const listed = await w.stack.app.inject({ method: 'GET', url: '/api/v1/waitlist?pageSize=200', headers: admin.headers });
        const why = (listed.json() as { data: { enrollmentId: number; reason: { message: string } }[] }).data.find((e) => e.enrollmentId === enrollmentId)!.reason.message;
        await entry.getByText(why, { exact: true }).waitFor();

        // Bad input: no teacher of the instrument has a place; the server says so.
        await entry.getByRole('button', { name: 'Promote' }).click();
        await expect.poll(() => entry.getByRole('alert').textContent()).toContain(`No ${instrument} teacher has a free place`);
        await fitsWidth(page, viewport.width);
        await screenshot(page, `admin-waitlist-${viewport.name}`);

        await createTeacher(w.stack.database.db, { instruments: [instrument], firstName: `Pablo${tag}` });
        await page.reload();
        await page.getByRole('heading', { name: 'Enrollments', level: 1 }).waitFor();
        await entry.getByLabel(`Teacher for ${studentName}`).selectOption({ label: `Pablo${tag} Tester` });
        await entry.getByRole('button', { name: 'Promote' }).click();
        await page.getByRole('region', { name: 'Waitlist' }).getByRole('status').getByText(`${studentName} has a place`, { exact: false }).waitFor();

        await expect
          .poll(async () => (await w.stack.app.inject({ method: 'GET', url: `/api/v1/enrollments/${enrollmentId}/status`, headers: admin.headers })).json().status, {
            timeout: 60_000,
          })
          .toBe('completed');
        await page.getByLabel('Status').selectOption({ label: 'Completed' });
        await page.getByRole('region', { name: 'Enrollments' }).getByRole('row').filter({ hasText: studentName }).getByText('completed').waitFor();
        await page.reload();
        await page.getByRole('heading', { name: 'Enrollments', level: 1 }).waitFor();
        await expect.poll(() => page.getByRole('list', { name: 'Waitlist' }).getByText(studentName).count()).toBe(0);
        await screenshot(page, `admin-waitlist-promoted-${viewport.name}`);
      } finally {
        await page.context().close();
      }
    });
  });
});
