import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { openSection, startWebSchool, type WebSchool } from '../helpers/web-school.js';

/**
 * The admin console's Progress reports section in Debian's Chromium against the real school on a
 * port (real worker, the rules drafter: no AI provider is configured). Each scenario has its own
 * teacher and two students with lessons last month (put in the past with SQL: the API books only
 * future lessons), completed through the API with notes shared with the family; one student
 * missed two lessons (flag `absences`). Each scenario at 375 and 1280 px.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;

/** Generous: the runs' worker shares two cores with the browser and the build. */
const RUN_SETTLES_MS = 90_000;
const ZONE = 'America/Halifax';

/** The calendar month before today's, in the school's zone (what the section proposes). */
function lastMonth(): { from: string; to: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [year, month] = today.split('-').map(Number) as [number, number];
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return { from: `${y}-${mm}-01`, to: `${y}-${mm}-${last}` };
}

run('the admin console: progress reports', { timeout: 300_000 }, () => {
  let w: WebSchool;
  let admin: Awaited<ReturnType<typeof createUser>>;
  const password = 'Progress-admin-password!';
  const period = lastMonth();

  beforeAll(async () => {
    w = await startWebSchool();
    admin = await createUser(w.stack.database.db, 'admin', { passwordHash: await hashPassword(password) });
  }, 240_000);
  afterAll(async () => w?.close());

  const sql = <T>(text: string, params: unknown[] = []) => w.stack.database.db.sql.query<T>(text, params);
  const post = async (url: string, payload: Record<string, unknown>, status: number) => {
    const res = await w.stack.app.inject({ method: 'POST', url, headers: admin.headers, payload });
    expect(res.statusCode, res.body).toBe(status);
    return res.json() as Record<string, unknown>;
  };

  /** A parent and a child taught by `teacherId`, with last month's lessons completed through the API as given. */
  async function family(childName: string, teacherId: number, hourUtc: number, lessons: Array<{ attendance: 'present' | 'absent'; notes: string | null }>) {
    const parent = await createUser(w.stack.database.db, 'parent', { firstName: `Parent${childName}` });
    const student = await post(
      '/api/v1/students',
      { parentId: parent.id, teacherId, firstName: childName, lastName: 'Lark', dateOfBirth: '2015-04-01', instrument: 'piano', lessonRateCents: 4500 },
      201,
    );
    const studentId = student.id as number;
    for (const [i, lesson] of lessons.entries()) {
      const at = `${period.from.slice(0, 8)}${String(3 + i * 7).padStart(2, '0')}T${String(hourUtc).padStart(2, '0')}:00:00Z`;
      const [row] = await sql<{ id: number }>(
        `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, status)
         VALUES ($1, $2, $3::timestamptz, 30, $3::timestamptz + interval '30 minutes', 'scheduled') RETURNING id`,
        [studentId, teacherId, at],
      );
      await post(`/api/v1/lessons/${row!.id}/complete`, { attendance: lesson.attendance, ...(lesson.notes ? { notes: lesson.notes } : {}) }, 200);
    }
    return { parentEmail: parent.email, studentId, childName };
  }

  async function signedIn(width: number, height: number): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await w.browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await w.signIn(page, admin.email, password);
    await page.getByRole('heading', { name: 'School office' }).waitFor();
    return { page, close: () => context.close() };
  }

  for (const viewport of viewports) {
    it(`reports for last month are started (a bad period first), flagged, one edited and approved, the other approved in bulk; the parents get them (${viewport.width} px)`, async () => {
      const teacher = await createUser(w.stack.database.db, 'teacher', { firstName: `Teacher${viewport.width}` });
      const absent = await family(`Abel${viewport.width}`, teacher.teacherId!, 14, [
        { attendance: 'present', notes: 'Played the minuet hands together.' },
        { attendance: 'absent', notes: null },
        { attendance: 'absent', notes: null },
      ]);
      const steady = await family(`Bianca${viewport.width}`, teacher.teacherId!, 15, [
        { attendance: 'present', notes: 'Scales in G major are steady now.' },
        { attendance: 'present', notes: 'Started the sonatina.' },
      ]);
      const { page, close } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Progress reports');
        await page.getByRole('heading', { name: 'Progress reports', level: 1 }).waitFor();
        const start = page.getByRole('form', { name: 'Start progress reports' });
        // Last month is proposed.
        expect(await start.getByLabel('From').inputValue()).toBe(period.from);
        expect(await start.getByLabel('To').inputValue()).toBe(period.to);

        // Bad input: the period ends before it starts; the server's message names the field and nothing starts.
        await start.getByLabel('From').fill(period.to);
        await start.getByLabel('To').fill(period.from);
        await start.getByRole('button', { name: 'Start reports' }).click();
        await expect.poll(() => start.getByRole('alert').textContent()).toContain('must not be before from');
        expect(await start.getByLabel('To').getAttribute('aria-invalid')).toBe('true');
        await screenshot(page, `admin-progress-reports-bad-period-${viewport.name}`);
        const [none] = await sql<{ n: number }>('SELECT count(*)::int AS n FROM progress_reports WHERE student_id = ANY($1)', [[absent.studentId, steady.studentId]]);
        expect(none?.n).toBe(0);

        await start.getByLabel('From').fill(period.from);
        await start.getByLabel('To').fill(period.to);
        await start.getByRole('button', { name: 'Start reports' }).click();
        await page.getByText('Reports started').waitFor();

        // The drafts come in; the flagged student is listed before the other with the reason.
        const list = page.getByRole('list', { name: 'Progress reports' });
        const titleOf = (childName: string) => `${childName} Lark, ${period.from} to ${period.to}`;
        await list.getByRole('listitem', { name: titleOf(absent.childName) }).waitFor({ timeout: RUN_SETTLES_MS });
        await list.getByRole('listitem', { name: titleOf(steady.childName) }).waitFor({ timeout: RUN_SETTLES_MS });
        const flags = page.getByRole('list', { name: `Flags of ${absent.childName} Lark` });
        expect(await flags.textContent()).toContain('absences');
        expect(await page.getByRole('list', { name: `Flags of ${steady.childName} Lark` }).count()).toBe(0);
        const order = await list.locator(':scope > li').evaluateAll((items) => items.map((li) => li.getAttribute('aria-label') ?? ''));
        expect(order.indexOf(titleOf(absent.childName))).toBeLessThan(order.indexOf(titleOf(steady.childName)));
        const steadyItem = list.getByRole('listitem', { name: titleOf(steady.childName) });
        expect(await steadyItem.textContent()).toContain('drafted');
        await steadyItem.getByText('The draft').click();
        await steadyItem.getByText('Scales in G major are steady now.').waitFor();
        await screenshot(page, `admin-progress-reports-list-${viewport.name}`);
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);

        // One draft is edited on its approval, with its flags and figures beside it, and approved.
        await page.getByRole('link', { name: `Edit and approve: ${titleOf(absent.childName)}` }).click();
        await page.getByRole('heading', { name: /^Progress report of / }).waitFor();
        await page.getByRole('list', { name: 'Flags' }).getByText('absences').waitFor();
        expect(
          await page
            .getByRole('definition')
            .filter({ hasText: /^33 %$/ })
            .count(),
        ).toBe(1);
        const subject = `Abel’s month, in brief (${viewport.name})`;
        await page.getByLabel('Subject').fill(subject);
        const message = page.getByLabel('Message to the parent');
        expect(await message.inputValue()).toContain('Played the minuet hands together.');
        await screenshot(page, `admin-progress-report-approval-${viewport.name}`);
        await page.getByRole('button', { name: 'Approve with my edits' }).click();
        await page.getByText('The run goes on.', { exact: false }).waitFor();
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);

        // The other is approved with the bulk approval of the section; its outcome is shown.
        await openSection(page, 'Progress reports');
        await page.getByLabel(`Select ${titleOf(steady.childName)}`).check();
        await page.getByRole('button', { name: 'Approve selected reports (1)' }).click();
        await page
          .getByRole('list', { name: 'Outcomes' })
          .getByText(`${titleOf(steady.childName)}: approved`)
          .waitFor();
        await screenshot(page, `admin-progress-reports-bulk-${viewport.name}`);

        // Both parents get their report by e-mail, the edited one with the edited subject.
        const first = await w.sink.waitFor((m) => m.to.includes(absent.parentEmail), RUN_SETTLES_MS);
        expect(first.subject).toBe(subject);
        const second = await w.sink.waitFor((m) => m.to.includes(steady.parentEmail), RUN_SETTLES_MS);
        expect(second.text).toContain('Scales in G major are steady now.');
        await expect
          .poll(
            async () =>
              (await sql<{ status: string }>('SELECT status FROM progress_reports WHERE student_id = ANY($1) ORDER BY student_id', [[absent.studentId, steady.studentId]])).map(
                (r) => r.status,
              ),
            {
              timeout: RUN_SETTLES_MS,
            },
          )
          .toEqual(['sent', 'sent']);
      } finally {
        await close();
      }
    });
  }

  for (const viewport of viewports) {
    it(`no chosen student is refused; the schedule review runs on demand (a bad period first); the month’s AI usage lists the rules drafter (${viewport.width} px)`, async () => {
      const { page, close } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Progress reports');
        const start = page.getByRole('form', { name: 'Start progress reports' });
        await start.getByLabel('Chosen students').check();
        await start.getByRole('button', { name: 'Start reports' }).click();
        await expect.poll(() => start.getByRole('alert').textContent()).toContain('studentIds');

        const form = page.getByRole('form', { name: 'Run a schedule review' });
        const from = await form.getByLabel('Review from').inputValue();
        await form.getByLabel('Review to').fill('2020-01-01');
        await form.getByRole('button', { name: 'Run a schedule review now' }).click();
        await expect.poll(() => form.getByRole('alert').textContent()).toContain('must not be before from');
        expect(await form.getByLabel('Review to').getAttribute('aria-invalid')).toBe('true');
        await form.getByLabel('Review to').fill(from);
        await form.getByRole('button', { name: 'Run a schedule review now' }).click();
        await page.getByText('Schedule review started.').waitFor();
        const usage = page.getByRole('table', { name: 'AI usage per provider' });
        await usage.getByRole('rowheader', { name: 'rules (no AI)' }).waitFor();
        await screenshot(page, `admin-ai-tools-${viewport.name}`);
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      } finally {
        await close();
      }
    });
  }
});
