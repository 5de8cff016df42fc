import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { startWebSchool, type WebSchool } from '../helpers/web-school.js';

/**
 * A teacher's view of their students' progress, at 375 and 1280 px: from the week's lesson to the
 * student's page, a goal refused without a title (the server names the field), then a goal, an
 * assessment and a goal's achievement that all show in the timeline; the students list links back.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;

run('a teacher follows a student’s progress in a browser', { timeout: 180_000 }, () => {
  let w: WebSchool;
  let counter = 0;

  beforeAll(async () => {
    w = await startWebSchool();
  }, 240_000);
  afterAll(async () => w?.close());

  const sql = () => w.stack.database.db.sql;

  /** A teacher who can sign in, a student of theirs (with another teacher's student beside) and a lesson an hour ago. */
  async function classroom() {
    counter += 1;
    const password = `Teacher-${counter}-password!`;
    const db = w.stack.database.db;
    const teacher = await createUser(db, 'teacher', { passwordHash: await hashPassword(password), firstName: 'Ada' });
    const otherTeacher = await createUser(db, 'teacher');
    const parent = await createUser(db, 'parent');
    const firstName = `Oriel${counter}`;
    const [student] = await sql().query<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, $3, 'Progress', '2014-05-06', 'piano', 4500) RETURNING id`,
      [parent.id, teacher.teacherId, firstName],
    );
    await sql().query(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, $3, 'Elsewhere', '2014-05-06', 'piano', 4500)`,
      [parent.id, otherTeacher.teacherId, `Notmine${counter}`],
    );
    await sql().query(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at)
       VALUES ($1, $2, date_trunc('hour', now()) + interval '26 hours', 30, date_trunc('hour', now()) + interval '26 hours 30 minutes')`,
      [student!.id, teacher.teacherId],
    );
    return { teacher, password, studentId: student!.id, name: `${firstName} Progress`, otherName: `Notmine${counter} Elsewhere` };
  }

  const timelineText = (page: Page) => page.getByRole('list', { name: 'Timeline' }).textContent();

  for (const viewport of viewports) {
    it(`adds a goal and an assessment and sees them in the timeline (${viewport.width} px)`, async () => {
      const c = await classroom();
      const context = await w.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      const page = await context.newPage();
      try {
        await w.signIn(page, c.teacher.email, c.password);
        await page.getByRole('heading', { name: 'Your week' }).waitFor();
        await page.getByRole('link', { name: c.name }).first().click();
        await page.getByRole('heading', { name: c.name, level: 1 }).waitFor();
        await page.getByText('Nothing in this period yet.').waitFor();

        const goals = page.getByRole('region', { name: 'Goals' });
        await goals.getByRole('button', { name: 'Add goal' }).click();
        await expect.poll(() => goals.getByLabel('Goal', { exact: true }).getAttribute('aria-invalid')).toBe('true');
        await goals.getByLabel('Goal', { exact: true }).fill('C major scale, hands together');
        await goals.getByRole('button', { name: 'Add goal' }).click();
        await expect.poll(() => goals.getByRole('status').textContent()).toContain('Goal added: C major scale, hands together.');
        await expect.poll(() => timelineText(page)).toContain('Goal set: C major scale, hands together');

        const assessments = page.getByRole('region', { name: 'Assessments' });
        await assessments.getByLabel('Level').fill('Grade 2');
        await assessments.getByLabel('Result', { exact: true }).selectOption('merit');
        await assessments.getByLabel('Mark').fill('81');
        await assessments.getByRole('button', { name: 'Add assessment' }).click();
        await expect.poll(() => assessments.getByRole('status').textContent()).toContain('Assessment added: RCM Grade 2.');
        await expect.poll(() => timelineText(page)).toContain('Assessment: RCM Grade 2, merit (mark 81)');

        // editing: the goal is achieved
        await goals.getByLabel('Status of “C major scale, hands together”').selectOption('achieved');
        await goals.getByRole('button', { name: 'Save status' }).click();
        await expect.poll(() => timelineText(page)).toContain('Goal achieved: C major scale, hands together');
        const [goal] = await sql().query<{ status: string }>('SELECT status FROM student_goals WHERE student_id = $1', [c.studentId]);
        expect(goal?.status).toBe('achieved');
        await screenshot(page, `teacher-student-progress-${viewport.name}`);
        const widths = await page.evaluate<{ page: number; screen: number }>('({ page: document.documentElement.scrollWidth, screen: window.innerWidth })');
        expect(widths.page).toBeLessThanOrEqual(widths.screen);

        await page.getByRole('navigation', { name: 'Teaching' }).getByRole('link', { name: 'Students' }).click();
        const list = page.getByRole('list', { name: 'Your students' });
        await list.getByRole('link', { name: c.name }).waitFor();
        expect(await list.getByRole('link', { name: c.otherName }).count()).toBe(0);
        await screenshot(page, `teacher-students-${viewport.name}`);
      } finally {
        await context.close();
      }
    });
  }
});
