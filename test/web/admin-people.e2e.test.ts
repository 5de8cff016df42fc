import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { openSection, startWebSchool, type WebSchool } from '../helpers/web-school.js';

/**
 * The admin console's people sections (families, students, teachers) in Debian's Chromium against
 * the real app on a port. Each scenario runs at 375 px and 1280 px; screenshots go to
 * test-artifacts/screenshots. Every form tried here also gets one bad input, whose server message
 * must reach the page.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;

run('the admin console: families, students, teachers', { timeout: 120_000 }, () => {
  let w: WebSchool;
  let counter = 0;

  beforeAll(async () => {
    w = await startWebSchool();
  }, 180_000);
  afterAll(async () => w?.close());

  const sql = () => w.stack.database.db.sql;

  /** An admin who signs in through the page, and their API headers. */
  async function signedInAdmin(page: Page, width: number) {
    const password = `Admin-people-${width}-password!`;
    const admin = await createUser(w.stack.database.db, 'admin', { passwordHash: await hashPassword(password) });
    await w.signIn(page, admin.email, password);
    await page.getByRole('heading', { name: 'School office' }).waitFor();
    return admin;
  }

  /** A parent (through the API), a piano teacher and their child, with a cash payment of $45.00 recorded. */
  async function family(headers: { authorization: string }) {
    counter += 1;
    const lastName = `Maple${counter}x${Date.now() % 100_000}`;
    const parent = await w.stack.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: { email: `${lastName.toLowerCase()}@family.example`, firstName: 'Robin', lastName, role: 'parent', phone: '902 555 0100' },
    });
    expect(parent.statusCode, parent.body).toBe(201);
    const parentId = parent.json().id as number;
    const teacher = await createUser(w.stack.database.db, 'teacher', { firstName: `Teach${counter}` });
    const childName = `Juniper${counter}`;
    const student = await w.stack.app.inject({
      method: 'POST',
      url: '/api/v1/students',
      headers,
      payload: { parentId, teacherId: teacher.teacherId, firstName: childName, lastName, dateOfBirth: '2015-03-04', instrument: 'piano', lessonRateCents: 4500 },
    });
    expect(student.statusCode, student.body).toBe(201);
    const receivedOn = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const paid = await w.stack.app.inject({ method: 'POST', url: '/api/v1/payments/offline', headers, payload: { parentId, amountCents: 4500, method: 'cash', receivedOn } });
    expect(paid.statusCode, paid.body).toBe(201);
    return { parentId, lastName, childName, teacher, studentId: student.json().id as number };
  }

  /** `ms` as a datetime-local value in the school's zone (`2027-01-04T16:00`). */
  function localInput(ms: number, timeZone: string): string {
    return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(new Date(ms))
      .replace(' ', 'T');
  }

  for (const viewport of viewports) {
    const open = async () => {
      const context = await w.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      return { context, page: await context.newPage() };
    };
    /** Nothing on the page is wider than the screen. */
    const fitsTheScreen = async (page: Page) => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);

    it(`the admin finds a family, sees the child and the balance, and edits the contact (${viewport.width} px)`, async () => {
      const { context, page } = await open();
      try {
        const admin = await signedInAdmin(page, viewport.width);
        const { parentId, lastName, childName } = await family(admin.headers);
        await openSection(page, 'Families');
        await page.getByLabel('Name or e-mail').fill(lastName);
        await page.getByRole('button', { name: 'Search' }).click();
        const found = page.getByRole('table', { name: 'Parents' }).getByRole('link', { name: `Robin ${lastName}` });
        await found.waitFor();
        await fitsTheScreen(page);
        await screenshot(page, `admin-families-${viewport.name}`);
        await found.click();
        await page.getByRole('heading', { name: `The ${lastName} family` }).waitFor();
        await page.getByRole('list', { name: 'Children' }).getByText(`${childName} ${lastName}`).waitFor();
        const money = page.getByRole('region', { name: 'Balance and bills' });
        await expect.poll(() => money.getByRole('definition').nth(1).textContent()).toBe('$45.00');
        await expect.poll(() => money.getByRole('definition').first().textContent()).toBe('$0.00');
        await page.getByRole('region', { name: 'Consents' }).getByText('Data processing').waitFor();
        await fitsTheScreen(page);
        await screenshot(page, `admin-family-${viewport.name}`);

        // Bad input: the server names the e-mail field; then a good phone number is saved.
        const contact = page.getByRole('region', { name: 'Contact' });
        await contact.getByRole('button', { name: 'Edit contact' }).click();
        await contact.getByLabel('E-mail').fill('not-an-email');
        await contact.getByRole('button', { name: 'Save contact' }).click();
        await expect.poll(() => contact.getByRole('alert').textContent()).toBeTruthy();
        await expect.poll(() => contact.locator('.problem').first().textContent()).toBeTruthy();
        await screenshot(page, `admin-family-bad-email-${viewport.name}`);
        await contact.getByLabel('E-mail').fill(`${lastName.toLowerCase()}@family.example`);
        await contact.getByLabel('Phone').fill('902 555 0199');
        await contact.getByRole('button', { name: 'Save contact' }).click();
        await contact.getByText('902 555 0199').waitFor();
        // Deactivating asks first, then the account shows as deactivated.
        await contact.getByRole('button', { name: 'Deactivate account' }).click();
        await contact.getByRole('button', { name: /Yes, deactivate/ }).click();
        await contact.getByRole('button', { name: 'Reactivate account' }).waitFor();
        const [row] = await sql().query<{ phone: string; is_active: boolean }>('SELECT phone, is_active FROM users WHERE id = $1', [parentId]);
        expect(row).toEqual({ phone: '902 555 0199', is_active: false });
      } finally {
        await context.close();
      }
    });

    it(`the admin opens a student and edits a field (${viewport.width} px)`, async () => {
      const { context, page } = await open();
      try {
        const admin = await signedInAdmin(page, viewport.width);
        const { lastName, childName, studentId } = await family(admin.headers);
        await openSection(page, 'Students');
        await page.getByLabel('Name', { exact: true }).fill(childName);
        await page.getByRole('button', { name: 'Search' }).click();
        // The instrument filter: no violin student of that name; piano finds the child.
        await page.getByLabel('Instrument').selectOption('violin');
        await page.getByText('No student matches.').waitFor();
        await page.getByLabel('Instrument').selectOption('piano');
        const found = page.getByRole('table', { name: 'Students' }).getByRole('link', { name: `${childName} ${lastName}` });
        await found.waitFor();
        await fitsTheScreen(page);
        await screenshot(page, `admin-students-${viewport.name}`);
        await found.click();
        await page.getByRole('heading', { name: `${childName} ${lastName}` }).waitFor();
        await page.getByRole('region', { name: 'Progress' }).getByText('Timeline').waitFor();
        await fitsTheScreen(page);
        await screenshot(page, `admin-student-${viewport.name}`);

        const details = page.getByRole('region', { name: 'Details' });
        await details.getByRole('button', { name: 'Edit details' }).click();
        // Bad input: a lesson rate below the minimum; the server's message is shown by the field.
        await details.getByLabel('Lesson rate (CAD)').fill('10');
        await details.getByRole('button', { name: 'Save student' }).click();
        await expect.poll(() => details.getByText('must be at least 3000 cents (CAD 30)').count()).toBeGreaterThan(0);
        await screenshot(page, `admin-student-bad-rate-${viewport.name}`);

        await details.getByLabel('Lesson rate (CAD)').fill('52.50');
        await details.getByLabel('Skill level').selectOption('intermediate');
        await details.getByRole('button', { name: 'Save student' }).click();
        await details.getByText('Student saved.').waitFor();
        await details.getByText('piano (intermediate)').waitFor();
        const [row] = await sql().query<{ skill_level: string; lesson_rate_cents: number }>('SELECT skill_level, lesson_rate_cents FROM students WHERE id = $1', [studentId]);
        expect(row).toEqual({ skill_level: 'intermediate', lesson_rate_cents: 5250 });
      } finally {
        await context.close();
      }
    });

    it(`the admin opens a teacher, changes weekly hours, adds time off over a lesson and sets the pay rate (${viewport.width} px)`, async () => {
      const { context, page } = await open();
      try {
        const admin = await signedInAdmin(page, viewport.width);
        const { teacher, childName, studentId } = await family(admin.headers);
        const [lesson] = await sql().query<{ at: Date }>(
          `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at)
           VALUES ($1, $2, date_trunc('hour', now()) + interval '72 hours', 30, date_trunc('hour', now()) + interval '72 hours 30 minutes') RETURNING scheduled_at AS at`,
          [studentId, teacher.teacherId],
        );
        const school = (await w.stack.app.inject({ method: 'GET', url: '/api/v1/public/school' })).json() as { timezone: string };

        await openSection(page, 'Teachers');
        await page
          .getByRole('list', { name: 'Teachers' })
          .getByRole('link', { name: `Teach${counter} Tester` })
          .click();
        await page.getByRole('heading', { name: `Teach${counter} Tester` }).waitFor();

        // Profile: a capacity of 0 is refused, naming the field; 12 is saved.
        const profile = page.getByRole('region', { name: 'Profile' });
        await profile.getByRole('button', { name: 'Edit profile' }).click();
        await profile.getByLabel('Most students').fill('0');
        await profile.getByRole('button', { name: 'Save profile' }).click();
        await expect.poll(() => profile.getByRole('alert').textContent()).toContain('maxStudents');
        await profile.getByLabel('Most students').fill('12');
        await profile.getByRole('button', { name: 'Save profile' }).click();
        await profile.getByText('1 of 12').waitFor();

        // Weekly hours: a block that ends before it starts is refused with the server's message.
        const hours = page.getByRole('form', { name: 'Weekly hours' });
        await hours.getByRole('button', { name: 'Add hours' }).click();
        await hours.getByLabel('Day', { exact: true }).selectOption('2');
        await hours.getByLabel('From', { exact: true }).fill('16:00');
        await hours.getByLabel('Until', { exact: true }).fill('15:00');
        await hours.getByRole('button', { name: 'Save weekly hours' }).click();
        await hours.getByText('must be after start (16:00)').first().waitFor();
        await screenshot(page, `admin-teacher-bad-hours-${viewport.name}`);
        await hours.getByLabel('Until', { exact: true }).fill('19:30');
        await hours.getByRole('button', { name: 'Save weekly hours' }).click();
        await hours.getByText('Weekly hours saved.').waitFor();
        const saved = await sql().query<{ weekday: number; start: string; end: string }>(
          `SELECT weekday, to_char(start_time, 'HH24:MI') AS start, to_char(end_time, 'HH24:MI') AS "end" FROM teacher_availability WHERE teacher_id = $1`,
          [teacher.teacherId],
        );
        expect(saved).toEqual([{ weekday: 2, start: '16:00', end: '19:30' }]);

        // Time off: until before from is refused; then time off over the lesson lists it.
        const timeOff = page.getByRole('form', { name: 'Add time off' });
        const lessonAt = lesson!.at.getTime();
        await timeOff.getByLabel('From').fill(localInput(lessonAt - 3600_000, school.timezone));
        await timeOff.getByLabel('Until').fill(localInput(lessonAt - 7200_000, school.timezone));
        await timeOff.getByRole('button', { name: 'Add time off' }).click();
        await timeOff
          .getByText(/must be after startsAt/)
          .first()
          .waitFor();
        await timeOff.getByLabel('Until').fill(localInput(lessonAt + 7200_000, school.timezone));
        await timeOff.getByLabel('Reason (optional)').fill('Conference');
        await timeOff.getByRole('button', { name: 'Add time off' }).click();
        await timeOff.getByRole('list', { name: 'Lessons inside the time off' }).getByText(childName, { exact: false }).waitFor();
        await page.getByRole('list', { name: 'Upcoming time off' }).getByText('Conference').waitFor();
        const offs = await sql().query<{ starts: Date; ends: Date }>('SELECT starts_at AS starts, ends_at AS ends FROM teacher_time_off WHERE teacher_id = $1', [
          teacher.teacherId,
        ]);
        expect(offs.map((off) => [off.starts.getTime(), off.ends.getTime()])).toEqual([[lessonAt - 3600_000, lessonAt + 7200_000]]);

        // Pay rate: a negative amount is refused; then $38.50 an hour is set.
        const pay = page.getByRole('form', { name: 'Set the pay rate' });
        await pay.getByLabel('Pay per hour (CAD)').fill('-5');
        await pay.getByRole('button', { name: 'Save pay rate' }).click();
        await pay.getByText('must not be negative').first().waitFor();
        await pay.getByLabel('Pay per hour (CAD)').fill('38.50');
        await pay.getByRole('button', { name: 'Save pay rate' }).click();
        await page.getByRole('region', { name: 'Pay rate' }).getByText('$38.50 an hour').waitFor();
        const rates = await sql().query<{ cents: number }>('SELECT per_hour_cents AS cents FROM teacher_pay_rates WHERE teacher_id = $1', [teacher.teacherId]);
        expect(rates).toEqual([{ cents: 3850 }]);
        await fitsTheScreen(page);
        await screenshot(page, `admin-teacher-${viewport.name}`);
      } finally {
        await context.close();
      }
    });
  }
});
