import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { openSection, startWebSchool, type WebSchool } from '../helpers/web-school.js';

/**
 * The web app in Debian's Chromium, driven by Playwright, against the real app on a port with the
 * real worker and mail going to a local SMTP server. Every scenario runs at 375 px and 1280 px;
 * screenshots are kept in test-artifacts/screenshots. Without Chromium the suite is skipped,
 * except in CI (CI=true), where .ci/run installs it and a missing browser fails the run.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;

run('the web app in a browser', { timeout: 120_000 }, () => {
  let w: WebSchool;
  let counter = 0;

  beforeAll(async () => {
    w = await startWebSchool();
  }, 180_000);
  afterAll(async () => w?.close());

  const sql = () => w.stack.database.db.sql;

  /** A teacher, a child of a new parent account (mailed its set-password link) and a lesson `hoursAhead` from now. */
  async function family(hoursAhead: number) {
    counter += 1;
    const admin = await createUser(w.stack.database.db, 'admin');
    const teacher = await createUser(w.stack.database.db, 'teacher');
    const email = `parent.${counter}.${Date.now()}@family.example`;
    const created = await w.stack.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { email, firstName: 'Robin', lastName: `Family${counter}`, role: 'parent' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const parentId = created.json().id as number;
    const childName = `Juniper${counter}`;
    const [student] = await sql().query<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, $3, 'Family', '2015-03-04', 'piano', 4500) RETURNING id`,
      [parentId, teacher.teacherId, childName],
    );
    const [lesson] = await sql().query<{ id: number }>(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at)
       VALUES ($1, $2, date_trunc('hour', now()) + make_interval(hours => $3), 30, date_trunc('hour', now()) + make_interval(hours => $3) + interval '30 minutes') RETURNING id`,
      [student!.id, teacher.teacherId, hoursAhead],
    );
    return { email, childName, teacher, studentId: student!.id, lessonId: lesson!.id };
  }

  /** The page the e-mailed link points to, opened on this server (the link's host is PUBLIC_APP_URL). */
  async function linkFromMail(to: string): Promise<string> {
    const mail = await w.sink.waitFor((m) => m.to.includes(to) && /set-password\?token=/.test(m.text), 30_000);
    const link = /https?:\/\/\S+\/set-password\?token=\S+/.exec(mail.text)![0];
    const url = new URL(link);
    return `${w.origin}${url.pathname}${url.search}`;
  }

  for (const viewport of viewports) {
    it(`a parent sets a password from the e-mail, signs in, sees the child and cancels a lesson for a credit (${viewport.width} px)`, async () => {
      const { email, childName } = await family(72);
      const context = await w.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      const page = await context.newPage();
      try {
        await page.goto(await linkFromMail(email));
        const password = `Portal-${viewport.width}-password!`;
        await page.getByLabel('New password').fill(password);
        await page.getByLabel('Repeat the password').fill(password);
        await page.getByRole('button', { name: 'Save password' }).click();
        await expect.poll(() => page.getByRole('status').textContent()).toContain('Your password is set');
        await screenshot(page, `parent-set-password-${viewport.name}`);

        await w.signIn(page, email, password);
        await page.getByRole('heading', { name: 'Hello, Robin' }).waitFor();
        await page.getByText(childName, { exact: false }).first().waitFor();
        await screenshot(page, `parent-home-${viewport.name}`);

        await page.getByRole('button', { name: 'Cancel this lesson' }).click();
        await page.getByRole('button', { name: /Yes, cancel the lesson/ }).click();
        await page.getByText('A make-up credit was added.').waitFor();
        await page.getByRole('list', { name: 'Open make-up credits' }).getByText(childName).waitFor();
        await screenshot(page, `parent-cancelled-${viewport.name}`);
      } finally {
        await context.close();
      }
    });

    it(`a teacher marks attendance (${viewport.width} px)`, async () => {
      const { teacher, childName, lessonId } = await family(-1);
      const password = `Teacher-${viewport.width}-password!`;
      await sql().query('UPDATE users SET password_hash = $1 WHERE id = $2', [await hashPassword(password), teacher.id]);
      const context = await w.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      const page = await context.newPage();
      try {
        await w.signIn(page, teacher.email, password);
        await page.getByRole('heading', { name: 'Your week' }).waitFor();
        await page
          .getByRole('group', { name: `Attendance of ${childName} Family` })
          .getByLabel('Present')
          .check();
        await page.getByLabel('Notes for the family').fill('Lovely scales today.');
        await screenshot(page, `teacher-week-${viewport.name}`);
        await page.getByRole('button', { name: 'Save attendance' }).click();
        await page.getByText(`Attendance saved for ${childName} Family.`).waitFor();
        const [row] = await sql().query<{ status: string; attendance: string; notes: string }>('SELECT status, attendance, notes FROM lessons WHERE id = $1', [lessonId]);
        expect(row).toEqual({ status: 'completed', attendance: 'present', notes: 'Lovely scales today.' });
      } finally {
        await context.close();
      }
    });

    it(`the admin adds a teacher, enrols a family and sees the payment (${viewport.width} px)`, async () => {
      const password = `Admin-${viewport.width}-password!`;
      const admin = await createUser(w.stack.database.db, 'admin', { passwordHash: await hashPassword(password) });
      const context = await w.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      const page = await context.newPage();
      try {
        await w.signIn(page, admin.email, password);
        await page.getByRole('heading', { name: 'School office' }).waitFor();
        await openSection(page, 'Teachers');
        const email = `new.teacher.${viewport.width}.${Date.now()}@school.example`;
        const form = page.getByRole('region', { name: 'Add a teacher' });
        await form.getByLabel('First name').fill('Aria');
        await form.getByLabel('Last name').fill(`Strings${viewport.width}`);
        await form.getByLabel('E-mail').fill(email);
        await form.getByRole('group', { name: 'Instruments' }).getByLabel('violin').check();
        await form.getByRole('group', { name: 'Instruments' }).getByLabel('voice').check();
        await form.getByRole('button', { name: 'Add teacher' }).click();
        await page.getByText('Teacher added.').waitFor();
        await page.getByRole('list', { name: 'Teachers' }).getByText(`Aria Strings${viewport.width}`).waitFor();
        await screenshot(page, `admin-home-${viewport.name}`);
        await linkFromMail(email);

        // Bad input: the server's message reaches the form, naming the field.
        await form.getByLabel('E-mail').fill('not-an-email');
        await form.getByRole('button', { name: 'Add teacher' }).click();
        await expect.poll(() => form.getByRole('alert').textContent()).toBeTruthy();

        // The new teacher teaches violin on weekdays: the family is enrolled with them.
        const [teacher] = await sql().query<{ id: number }>('SELECT t.id FROM teachers t JOIN users u ON u.id = t.user_id WHERE u.email = $1', [email]);
        const hours = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '09:00', end: '20:00' }));
        const put = await w.stack.app.inject({ method: 'PUT', url: `/api/v1/teachers/${teacher!.id}/availability`, headers: admin.headers, payload: { weeklyHours: hours } });
        expect(put.statusCode, put.body).toBe(200);

        await openSection(page, 'Enrollments');
        await page.getByRole('link', { name: 'Enrol a family' }).click();
        await page.getByLabel("Student's first name").fill('Oona');
        await page.getByLabel("Student's last name").fill(`Violins${viewport.width}`);
        await page.getByLabel("Student's date of birth").fill('2016-05-04');
        await page.getByLabel('Instrument').selectOption('violin');
        await page.getByLabel("Parent's first name").fill('Pat');
        await page.getByLabel("Parent's last name").fill(`Violins${viewport.width}`);
        await page.getByLabel("Parent's e-mail").fill(`pat.${viewport.width}.${Date.now()}@family.example`);
        await page.getByLabel("Parent's phone").fill('9025550123');
        await page.getByRole('button', { name: 'Enrol', exact: true }).click();
        await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('agreedToTerms');
        await page.getByLabel("The family accepts the school's terms").check();
        await page.getByRole('button', { name: 'Enrol', exact: true }).click();
        await page.getByText('Enrollment completed.', { exact: false }).waitFor({ timeout: 60_000 });
        await page.getByRole('button', { name: /Charge the first lesson/ }).click();
        await page.getByText(/Payment succeeded/).waitFor({ timeout: 60_000 });
        await screenshot(page, `admin-enrolled-${viewport.name}`);

        await openSection(page, 'Payments');
        await page.getByRole('region', { name: 'Recent payments' }).getByText('succeeded').first().waitFor();
      } finally {
        await context.close();
      }
    });
  }
});
