import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { openSection, startWebSchool, type WebSchool } from '../helpers/web-school.js';
import { insertStudent } from '../scheduling/helpers.js';

/**
 * The admin console's dashboard, reports and payroll in Chromium against the real app on a port.
 * Data is made through the API (a few lessons inserted as the other browser suites do); what the
 * page shows is compared with what the API answers. Each scenario at 375 px and 1280 px.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;

/** How wide the page's content is, in CSS pixels (wider than the window: it scrolls sideways). */
const pageWidth = (page: Page): Promise<number> => page.evaluate<number>('document.documentElement.scrollWidth');

const money = (cents: number) => new Intl.NumberFormat('en-CA', { style: 'currency', currency: 'CAD' }).format(cents / 100);

run('the admin console: dashboard, reports, payroll', { timeout: 180_000 }, () => {
  let w: WebSchool;
  let admin: Awaited<ReturnType<typeof createUser>>;
  const password = 'Office-reports-password!';

  beforeAll(async () => {
    w = await startWebSchool();
    admin = await createUser(w.stack.database.db, 'admin', { passwordHash: await hashPassword(password) });
  }, 300_000);
  afterAll(async () => w?.close());

  const sql = <T>(text: string, params: unknown[] = []) => w.stack.database.db.sql.query<T>(text, params);

  /** The admin calls the API; JSON answers parsed, CSV as text. */
  async function asAdmin(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
    const response = await w.stack.app.inject({ method, url, headers: admin.headers, ...(payload ? { payload } : {}) });
    const json = String(response.headers['content-type']).includes('json') ? response.json() : undefined;
    return { status: response.statusCode, json, text: response.body };
  }

  /** A teacher of `first` name with a pay rate from 2025, a family and a child of theirs. */
  async function teacherWithFamily(first: string) {
    const teacher = await createUser(w.stack.database.db, 'teacher', { firstName: first });
    const parent = await createUser(w.stack.database.db, 'parent');
    const rate = await asAdmin('PUT', `/api/v1/teachers/${teacher.teacherId}/pay-rate`, { perHourCents: 6000, effectiveFrom: '2025-01-01' });
    expect(rate.status, rate.text).toBe(200);
    const childName = `Kid${first}`;
    const studentId = await insertStudent(w.stack.database.db, parent.id, teacher.teacherId, { name: childName });
    return { teacher, parent, studentId, childName };
  }

  /** A lesson at a school-local wall time (`2025-03-04 16:00`), optionally taught by a substitute. */
  async function lesson(studentId: number, teacherId: number, local: string, substituteId: number | null = null) {
    const [row] = await sql<{ id: number }>(
      `INSERT INTO lessons (student_id, teacher_id, substitute_teacher_id, scheduled_at, duration_minutes, ends_at)
       SELECT $1, $2, $3, at, 30, at + interval '30 minutes' FROM (SELECT $4::timestamp AT TIME ZONE $5::text AS at) AS wall RETURNING id`,
      [studentId, teacherId, substituteId, local, (await asAdmin('GET', '/api/v1/dashboard')).json.timezone],
    );
    return row!.id;
  }

  async function signedIn(width: number, height: number): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await w.browser.newContext({ viewport: { width, height }, acceptDownloads: true });
    const page = await context.newPage();
    await w.signIn(page, admin.email, password);
    await page.getByRole('heading', { name: 'School office' }).waitFor();
    return { page, close: () => context.close() };
  }

  /** Clicks `button`, waits for the file the page saves, and answers its first line. */
  async function downloadedFirstLine(page: Page, button: string): Promise<string> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
    const file = await download.path();
    return (await readFile(file, 'utf8')).split(/\r?\n/)[0]!;
  }

  for (const viewport of viewports) {
    it(`the dashboard's tiles show the figures of data made through the API, and today's lessons (${viewport.width} px)`, async () => {
      const { teacher, studentId, childName } = await teacherWithFamily(`Dash${viewport.width}`);
      const { today } = (await asAdmin('GET', '/api/v1/dashboard')).json;
      await lesson(studentId, teacher.teacherId!, `${today} 12:00`);
      for (const title of ['Call the Smiths', 'Order new music books']) {
        const task = await asAdmin('POST', '/api/v1/tasks', { title: `${title} ${viewport.width}`, dueOn: today });
        expect(task.status, task.text).toBe(201);
      }
      const tiles = (await asAdmin('GET', '/api/v1/dashboard')).json.tiles;
      expect(tiles.openTasks.open).toBeGreaterThanOrEqual(2);
      expect(tiles.todaysLessons.total).toBeGreaterThanOrEqual(1);

      const { page, close } = await signedIn(viewport.width, viewport.height);
      try {
        const tasksTile = page.getByRole('link', { name: /Open tasks/ });
        await expect.poll(() => tasksTile.textContent()).toContain(`${tiles.openTasks.open} open`);
        await expect.poll(() => page.getByRole('link', { name: /Today's lessons/ }).textContent()).toContain(`${tiles.todaysLessons.total} lessons`);
        await expect.poll(() => page.getByRole('link', { name: /Money due/ }).textContent()).toContain(money(tiles.moneyDue.dueCents));
        await page.getByRole('region', { name: 'Lessons today' }).getByText(childName, { exact: false }).waitFor();
        expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, `admin-dashboard-${viewport.name}`);

        await tasksTile.click();
        await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
        expect(new URL(page.url()).pathname).toBe('/app/tasks');
      } finally {
        await close();
      }
    });

    it(`a report draws its chart with its table, saves its CSV and shows the server's message for a bad period (${viewport.width} px)`, async () => {
      const { parent } = await teacherWithFamily(`Rep${viewport.width}`);
      const { today } = (await asAdmin('GET', '/api/v1/dashboard')).json;
      const paid = await asAdmin('POST', '/api/v1/payments/offline', { parentId: parent.id, amountCents: 12_345, method: 'cash', receivedOn: today });
      expect(paid.status, paid.text).toBeLessThan(300);
      const revenue = (await asAdmin('GET', '/api/v1/reports/revenue')).json;
      expect(revenue.totals.collectedCents).toBeGreaterThanOrEqual(12_345);
      const csvHeader = (await asAdmin('GET', '/api/v1/reports/revenue?format=csv')).text.split(/\r?\n/)[0];
      expect(csvHeader).toContain('collectedCents');

      const { page, close } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Reports');
        await page.getByRole('heading', { level: 2, name: 'Revenue' }).waitFor();
        const chart = page.getByRole('img', { name: /Bar chart of revenue by month/ });
        await chart.locator('svg.recharts-surface').first().waitFor();
        await page.locator('.recharts-bar-rectangle').first().waitFor();
        const table = page.getByRole('table', { name: /Revenue, .* by month/ });
        await expect.poll(() => table.locator('tfoot').textContent()).toContain(money(revenue.totals.collectedCents));
        expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, `admin-report-revenue-${viewport.name}`);

        expect(await downloadedFirstLine(page, 'Download CSV')).toBe(csvHeader);
        await page
          .getByRole('status')
          .getByText(/Saved revenue-.*\.csv/)
          .waitFor();

        const period = page.getByRole('form', { name: 'Revenue period' });
        await period.getByLabel('From').fill('2026-03-10');
        await period.getByLabel('To').fill('2026-03-01');
        await period.getByRole('button', { name: 'Show' }).click();
        await expect.poll(() => page.getByRole('alert').textContent()).toContain('must not be before from (2026-03-10)');
        await expect.poll(() => period.getByLabel('To').getAttribute('aria-invalid')).toBe('true');
        await screenshot(page, `admin-report-bad-period-${viewport.name}`);

        await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Retention' }).click();
        await page
          .getByRole('img', { name: /Line chart of retention by month/ })
          .locator('svg.recharts-surface')
          .first()
          .waitFor();
        await page.getByRole('table', { name: /Retention/ }).waitFor();
      } finally {
        await close();
      }
    });

    it(`a payroll run is created for a period (a bad one first), adjusted, approved and marked paid, with its CSV (${viewport.width} px)`, async () => {
      const own = await teacherWithFamily(`Pay${viewport.width}`);
      const substitute = await teacherWithFamily(`Sub${viewport.width}`);
      // Each width has its own fortnight: approved runs may not overlap.
      const [from, to] = viewport.width < 600 ? ['2025-03-03', '2025-03-16'] : ['2025-04-07', '2025-04-20'];
      const taught = await lesson(own.studentId, own.teacher.teacherId!, `${from} 16:00`);
      const covered = await lesson(own.studentId, own.teacher.teacherId!, `${to} 16:00`, substitute.teacher.teacherId);
      for (const id of [taught, covered]) expect((await asAdmin('POST', `/api/v1/lessons/${id}/complete`, { attendance: 'present' })).status).toBe(200);

      const { page, close } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Payroll');
        const create = page.getByRole('region', { name: 'New payroll run' });
        await create.getByLabel('First day').fill(to);
        await create.getByLabel('Last day').fill(from);
        await create.getByRole('button', { name: 'Calculate run' }).click();
        await expect.poll(() => create.getByRole('alert').textContent()).toContain('must not be before from');
        await screenshot(page, `admin-payroll-bad-period-${viewport.name}`);

        await create.getByLabel('First day').fill(from);
        await create.getByLabel('Last day').fill(to);
        await create.getByRole('button', { name: 'Calculate run' }).click();
        await page.getByRole('heading', { level: 1, name: `Payroll run ${from} to ${to}` }).waitFor();
        const runId = Number(new URL(page.url()).pathname.split('/').pop());
        const lines = page.getByRole('region', { name: 'Lessons paid' });
        await lines.getByText('taught as substitute').waitFor();
        await lines.getByText(`Sub${viewport.width}`, { exact: false }).first().waitFor();
        const perTeacher = page.getByRole('region', { name: 'Pay per teacher' });
        await perTeacher.getByText(`Pay${viewport.width}`, { exact: false }).waitFor();
        await perTeacher.getByText(`Sub${viewport.width}`, { exact: false }).waitFor();

        const adjustments = page.getByRole('region', { name: 'Adjustments' });
        await adjustments.getByLabel('Teacher').selectOption({ label: `Sub${viewport.width} Tester` });
        await adjustments.getByLabel('Amount (CAD)').fill('0');
        await adjustments.getByLabel('Reason').fill('Travel to the recital');
        await adjustments.getByRole('button', { name: 'Add adjustment' }).click();
        await expect.poll(() => adjustments.getByRole('alert').textContent()).toContain('must not be 0');
        await adjustments.getByLabel('Amount (CAD)').fill('25.50');
        await adjustments.getByRole('button', { name: 'Add adjustment' }).click();
        await adjustments.getByText('Travel to the recital', { exact: false }).waitFor();
        const detail = (await asAdmin('GET', `/api/v1/payroll/runs/${runId}`)).json;
        expect(detail.adjustments.map((a: { amountCents: number }) => a.amountCents)).toEqual([2550]);
        expect(detail.lines.map((l: { reason: string }) => l.reason).sort()).toEqual(['substitute', 'taught']);
        await page.getByText(money(detail.totalCents)).first().waitFor();
        await screenshot(page, `admin-payroll-draft-${viewport.name}`);

        const csvHeader = (await asAdmin('GET', `/api/v1/payroll/runs/${runId}?format=csv`)).text.split(/\r?\n/)[0];
        expect(await downloadedFirstLine(page, 'Download CSV')).toBe(csvHeader);

        await page.getByRole('button', { name: 'Approve' }).click();
        const pay = page.getByRole('region', { name: 'Pay the teachers' });
        await pay.waitFor();
        await pay.getByLabel('Reference').fill('   ');
        await pay.getByRole('button', { name: 'Mark paid' }).click();
        await expect.poll(() => pay.getByRole('alert').textContent()).toContain('reference');
        await pay.getByLabel('Reference').fill(`Batch ${viewport.width}`);
        await pay.getByRole('button', { name: 'Mark paid' }).click();
        await page.getByText(`(Batch ${viewport.width})`).waitFor();
        expect((await asAdmin('GET', `/api/v1/payroll/runs/${runId}`)).json).toMatchObject({ status: 'paid', reference: `Batch ${viewport.width}` });
        expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, `admin-payroll-paid-${viewport.name}`);

        await page.getByRole('link', { name: 'All payroll runs' }).click();
        await page.getByRole('link', { name: `${from} to ${to}` }).waitFor();
        const listHeader = (await asAdmin('GET', '/api/v1/payroll/runs?format=csv')).text.split(/\r?\n/)[0];
        expect(await downloadedFirstLine(page, 'Download runs CSV')).toBe(listHeader);
      } finally {
        await close();
      }
    });
  }
});
