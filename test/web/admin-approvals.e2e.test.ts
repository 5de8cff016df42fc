import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { familyCase } from '../approvals/fixture.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { openSection, startWebSchool, type WebSchool } from '../helpers/web-school.js';

/**
 * The admin console's approvals, tasks and workflow-run pages in Debian's Chromium against the
 * real school on a port (real worker, the rules drafter: no AI provider is configured). Pending
 * approvals are made the real way: the office starts a payment-issue run for a failed payment
 * (POST /ai/payment-issues) and the run waits for a decision. Each scenario at 375 and 1280 px.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;

/** Generous: the run's worker shares two cores with the browser and the build. */
const RUN_SETTLES_MS = 60_000;

run('the admin console: approvals, tasks and workflow runs', { timeout: 180_000 }, () => {
  let w: WebSchool;
  let admin: Awaited<ReturnType<typeof createUser>>;
  const password = 'Approvals-admin-password!';
  let counter = 0;

  beforeAll(async () => {
    w = await startWebSchool();
    admin = await createUser(w.stack.database.db, 'admin', { passwordHash: await hashPassword(password) });
  }, 240_000);
  afterAll(async () => w?.close());

  const sql = <T>(text: string, params: unknown[] = []) => w.stack.database.db.sql.query<T>(text, params);

  /** A family with a failed payment and a payment-issue run waiting for approval; its approval's id and title. */
  async function pendingApproval(name: string) {
    const family = await familyCase(w.stack.database.db, name);
    const started = await w.stack.app.inject({ method: 'POST', url: '/api/v1/ai/payment-issues', headers: admin.headers, payload: { paymentId: family.paymentId } });
    expect(started.statusCode, started.body).toBe(202);
    const { runId } = started.json() as { runId: string };
    expect((await w.stack.engine.waitFor(runId, RUN_SETTLES_MS)).status).toBe('waiting');
    const [approval] = await sql<{ id: number; title: string; source: string }>('SELECT id, title, source FROM approvals WHERE run_id = $1', [runId]);
    expect(approval?.source).toBe('rules');
    return { ...family, runId, approvalId: approval!.id, title: approval!.title };
  }

  /** A fresh first name per scenario, so each one's approvals are told apart in the shared inbox. */
  const uniqueName = (what: string, width: number) => {
    counter += 1;
    return `${what}${width}n${counter}`;
  };

  async function signedIn(width: number, height: number): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await w.browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await w.signIn(page, admin.email, password);
    await page.getByRole('heading', { name: 'School office' }).waitFor();
    return { page, close: () => context.close() };
  }

  for (const viewport of viewports) {
    it(`an approval's draft is edited (a bad edit first) and approved; the run goes on and its page shows the diagram with node states (${viewport.width} px)`, async () => {
      const c = await pendingApproval(uniqueName('Edith', viewport.width));
      const { page, close } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Approvals');
        await page.getByRole('list', { name: 'Approvals' }).getByRole('link', { name: c.title }).click();
        await page.getByRole('heading', { name: c.title }).waitFor();
        const reply = page.getByLabel('Reply to the family');
        expect(await reply.inputValue()).toContain(`Hello ${c.title.split(' ')[3]}`);
        await page.getByRole('region', { name: 'Inputs as sent' }).getByText('"cardState": "expired"').waitFor();
        await page.getByText('rules (no AI)').waitFor();
        await screenshot(page, `admin-approval-draft-${viewport.name}`);

        // Bad input: an empty reply is refused by the kind's schema; the field is named on the form.
        await reply.fill('');
        await page.getByRole('button', { name: 'Approve with my edits' }).click();
        await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('edits.reply');
        expect(await reply.getAttribute('aria-invalid')).toBe('true');
        const [still] = await sql<{ status: string }>('SELECT status FROM approvals WHERE id = $1', [c.approvalId]);
        expect(still?.status).toBe('pending');

        const edited = `Hello again,\n\nYour card has expired (${viewport.name}). Here is a link to update it.`;
        await reply.fill(edited);
        await page.getByRole('button', { name: 'Approve with my edits' }).click();
        await page.getByText('The run goes on.', { exact: false }).waitFor();
        expect((await w.stack.engine.waitFor(c.runId, RUN_SETTLES_MS)).status).toBe('succeeded');
        const [decided] = await sql<{ status: string; edits: { reply: string }; decided_by: number }>('SELECT status, edits, decided_by FROM approvals WHERE id = $1', [
          c.approvalId,
        ]);
        expect(decided).toEqual({ status: 'approved', edits: { reply: edited }, decided_by: admin.id });
        // The page reads the run again until it ends.
        await page.locator('.badge.run-succeeded').first().waitFor({ timeout: RUN_SETTLES_MS });
        await screenshot(page, `admin-approval-approved-${viewport.name}`);

        await page.getByRole('link', { name: 'payment-issue run' }).click();
        await page.getByRole('heading', { name: /Run of payment-issue/ }).waitFor();
        expect(new URL(page.url()).pathname).toBe(`/app/workflows/runs/${c.runId}`);
        const diagram = page.getByRole('figure', { name: 'Diagram of the payment-issue workflow' });
        await diagram.locator('svg').waitFor({ timeout: 30_000 });
        // Nodes the run went through are drawn in the class of their state; the branch not taken is not.
        await expect.poll(() => diagram.locator('svg g.node.succeeded').count()).toBe(6);
        expect(await diagram.locator('svg[id^="workflow-diagram-"]').count()).toBe(1);
        expect(await diagram.locator('svg g.node').filter({ hasText: 'close' }).getAttribute('class')).not.toContain('succeeded');
        const nodes = page.getByRole('table', { name: 'Node states' });
        for (const node of ['gather', 'triage', 'approval', 'decision', 'send-reply', 'apply-resolutions']) {
          await expect.poll(() => nodes.getByRole('row', { name: new RegExp(`^${node} `) }).textContent()).toContain('succeeded');
        }
        expect(await page.getByRole('button', { name: 'Cancel the run' }).isDisabled()).toBe(true);
        expect(await page.getByRole('button', { name: 'Retry the run' }).isDisabled()).toBe(true);
        await screenshot(page, `admin-run-page-${viewport.name}`);
        const width = await page.evaluate<number>('document.documentElement.scrollWidth');
        expect(width).toBeLessThanOrEqual(viewport.width);
      } finally {
        await close();
      }
    });

    it(`one approval is rejected with a reason (an empty one first), two others are approved together, and the runs list finds the rejected run (${viewport.width} px)`, async () => {
      const rejected = await pendingApproval(uniqueName('Rex', viewport.width));
      const first = await pendingApproval(uniqueName('Bea', viewport.width));
      const second = await pendingApproval(uniqueName('Bo', viewport.width));
      const { page, close } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Approvals');
        await page.getByRole('link', { name: rejected.title }).click();
        const rejectForm = page.getByRole('form', { name: 'Reject' });
        await rejectForm.getByRole('button', { name: 'Reject' }).click();
        await expect.poll(() => rejectForm.getByRole('alert').textContent()).toContain('reason');
        await rejectForm.getByLabel('Reason for rejecting').fill('We called the family instead.');
        await rejectForm.getByRole('button', { name: 'Reject' }).click();
        await page.getByText('Rejected: We called the family instead.').waitFor();
        expect((await w.stack.engine.waitFor(rejected.runId, RUN_SETTLES_MS)).status).toBe('succeeded');
        const [row] = await sql<{ status: string; reason: string }>('SELECT status, decision_reason AS reason FROM approvals WHERE id = $1', [rejected.approvalId]);
        expect(row).toEqual({ status: 'rejected', reason: 'We called the family instead.' });
        await screenshot(page, `admin-approval-rejected-${viewport.name}`);

        await page.getByRole('link', { name: 'Back to the inbox' }).click();
        const inbox = page.getByRole('list', { name: 'Approvals' });
        await inbox.getByRole('link', { name: first.title }).waitFor();
        await expect.poll(() => inbox.getByRole('link', { name: rejected.title }).count()).toBe(0);
        await page.getByLabel(`Select ${first.title}`).check();
        await page.getByLabel(`Select ${second.title}`).check();
        await page.getByRole('button', { name: 'Approve selected as drafted (2)' }).click();
        const outcomes = page.getByRole('list', { name: 'Outcomes' });
        await outcomes.getByText(`${first.title}: approved`).waitFor();
        await outcomes.getByText(`${second.title}: approved`).waitFor();
        await screenshot(page, `admin-approvals-bulk-${viewport.name}`);
        for (const c of [first, second]) expect((await w.stack.engine.waitFor(c.runId, RUN_SETTLES_MS)).status).toBe('succeeded');
        const decided = await sql<{ status: string }>('SELECT status FROM approvals WHERE id = ANY($1) ORDER BY id', [[first.approvalId, second.approvalId]]);
        expect(decided).toEqual([{ status: 'approved' }, { status: 'approved' }]);

        await openSection(page, 'Workflow runs');
        await page.getByLabel('Workflow', { exact: true }).selectOption('payment-issue');
        const runs = page.getByRole('table', { name: 'Runs' });
        await runs.getByRole('link', { name: rejected.runId.slice(0, 8) }).click();
        await page.getByRole('heading', { name: /Run of payment-issue/ }).waitFor();
        const diagram = page.getByRole('figure', { name: 'Diagram of the payment-issue workflow' });
        await diagram.locator('svg').waitFor({ timeout: 30_000 });
        await expect
          .poll(() =>
            page
              .getByRole('table', { name: 'Node states' })
              .getByRole('row', { name: /^close / })
              .textContent(),
          )
          .toContain('succeeded');
        expect(await diagram.locator('svg g.node').filter({ hasText: 'close' }).getAttribute('class')).toContain('succeeded');

        await page.getByRole('link', { name: 'All runs' }).click();
        await page.getByText(/^payment-issue \(\d+ nodes\)$/).click();
        await page.getByRole('figure', { name: 'Diagram of the payment-issue workflow' }).locator('svg').waitFor({ timeout: 30_000 });
        await screenshot(page, `admin-workflows-${viewport.name}`);
      } finally {
        await close();
      }
    });

    it(`a waiting run is cancelled from its page, opened by its address (${viewport.width} px)`, async () => {
      const c = await pendingApproval(uniqueName('Cass', viewport.width));
      const { page, close } = await signedIn(viewport.width, viewport.height);
      try {
        await page.goto(`${w.origin}/app/workflows/runs/${c.runId}`);
        await page
          .getByRole('heading', { name: /Run of payment-issue/ })
          .getByText('waiting')
          .waitFor();
        await page.getByText('approval:payment_issue.reply', { exact: false }).waitFor();
        expect(await page.getByRole('button', { name: 'Retry the run' }).isDisabled()).toBe(true);
        await page.getByRole('button', { name: 'Cancel the run' }).click();
        await page.getByText('Run cancelled.').waitFor();
        const ended = await w.stack.engine.waitFor(c.runId, RUN_SETTLES_MS);
        expect(['cancelled', 'compensated']).toContain(ended.status);
        await page
          .getByRole('heading', { name: /Run of payment-issue/ })
          .getByText(ended.status)
          .waitFor({ timeout: RUN_SETTLES_MS });
        await expect.poll(() => page.getByRole('button', { name: 'Cancel the run' }).isDisabled()).toBe(true);
        await screenshot(page, `admin-run-cancelled-${viewport.name}`);
      } finally {
        await close();
      }
    });

    it(`a task is created (a bad one first), then marked done (${viewport.width} px)`, async () => {
      const family = await familyCase(w.stack.database.db, uniqueName('Tess', viewport.width));
      const title = `Call the family back (${viewport.name} ${Date.now()})`;
      const { page, close } = await signedIn(viewport.width, viewport.height);
      try {
        await openSection(page, 'Tasks');
        const form = page.getByRole('region', { name: 'Add a task' });
        await form.getByLabel('Title').fill(title);
        await form.getByLabel('Workflow run id (optional)').fill('not-a-run');
        await form.getByRole('button', { name: 'Add task' }).click();
        await expect.poll(() => form.getByRole('alert').textContent()).toContain('runId');
        expect(await form.getByLabel('Workflow run id (optional)').getAttribute('aria-invalid')).toBe('true');

        await form.getByLabel('Workflow run id (optional)').fill('');
        await form.getByLabel('Due on').fill('2026-01-05');
        await form.getByLabel('Parent number (optional)').fill(String(family.parentId));
        await form.getByLabel('Payment number (optional)').fill(String(family.paymentId));
        await form.getByRole('button', { name: 'Add task' }).click();
        await form.getByText('Task added.').waitFor();
        const tasks = page.getByRole('list', { name: 'Tasks' });
        const item = tasks.getByRole('listitem').filter({ hasText: title });
        await item.getByText('(overdue)').waitFor();
        await item.getByText(`Payment #${family.paymentId}`).waitFor();
        await screenshot(page, `admin-task-created-${viewport.name}`);
        const [created] = await sql<{ id: number; status: string; user_id: number; payment_id: number; due_on: string }>(
          `SELECT id, status, user_id, payment_id, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM tasks WHERE title = $1`,
          [title],
        );
        expect(created).toMatchObject({ status: 'open', user_id: family.parentId, payment_id: family.paymentId, due_on: '2026-01-05' });

        await item.getByRole('button', { name: `Mark “${title}” done` }).click();
        await expect.poll(() => tasks.getByText(title).count()).toBe(0);
        await page.getByLabel('Show').selectOption('done');
        await tasks
          .getByRole('listitem')
          .filter({ hasText: title })
          .getByRole('button', { name: `Open “${title}” again` })
          .waitFor();
        const [done] = await sql<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [created!.id]);
        expect(done?.status).toBe('done');
        await screenshot(page, `admin-task-done-${viewport.name}`);
      } finally {
        await close();
      }
    });
  }
});
