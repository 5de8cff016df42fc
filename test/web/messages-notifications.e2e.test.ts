import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { openSection, startWebSchool, type WebSchool } from '../helpers/web-school.js';

/**
 * The admin console's Messages and My account sections and everyone's notifications, in Debian's
 * Chromium against the real app on a port with the real worker. Every scenario runs at 375 px and
 * 1280 px and checks what the pages did in the database.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;

run('messages, notifications and the admin account in a browser', { timeout: 180_000 }, () => {
  let w: WebSchool;
  let counter = 0;

  beforeAll(async () => {
    w = await startWebSchool();
  }, 180_000);
  afterAll(async () => w?.close());

  const sql = () => w.stack.database.db.sql;

  /** A user of `role` who can sign in with the answered password. */
  async function person(role: 'admin' | 'parent', firstName: string) {
    counter += 1;
    const password = `${firstName}-${counter}-password!`;
    const user = await createUser(w.stack.database.db, role, { passwordHash: await hashPassword(password), firstName });
    return { ...user, password };
  }

  async function signedIn(browser: Browser, viewport: (typeof viewports)[number], user: { email: string; password: string; role: string }): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
    const page = await context.newPage();
    await w.signIn(page, user.email, user.password);
    await page.getByRole('navigation', { name: 'Account' }).waitFor();
    if (user.role === 'admin') await page.getByRole('navigation', { name: 'Office' }).waitFor();
    return page;
  }

  /** The conversation list's item whose subject is `subject`. */
  const conversationItem = (page: Page, subject: string) => page.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: subject });

  const unreadNotifications = async (userId: number) =>
    Number((await sql().query<{ n: string }>('SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL', [userId]))[0]!.n);

  for (const viewport of viewports) {
    it(`a parent writes to the school; the office sees it unread and replies; the parent sees the reply and marks its notification read (${viewport.width} px)`, async () => {
      const admin = await person('admin', 'Office');
      const parent = await person('parent', 'Robin');
      const subject = `Recital tickets ${viewport.name}`;
      const parentPage = await signedIn(w.browser, viewport, parent);
      const adminPage = await signedIn(w.browser, viewport, admin);
      try {
        // The parent writes to the school.
        await parentPage.getByRole('link', { name: /^Messages/ }).click();
        await parentPage.getByLabel('Subject').fill(subject);
        await parentPage.getByLabel('Message', { exact: true }).fill('How many tickets may each family have?');
        await parentPage.getByRole('button', { name: 'Send message' }).click();
        await parentPage.getByRole('heading', { name: subject }).waitFor();

        // The office sees it unread in its inbox.
        await openSection(adminPage, 'Messages');
        await conversationItem(adminPage, subject).getByText('1 unread').waitFor();
        await screenshot(adminPage, `admin-messages-inbox-${viewport.name}`);
        await conversationItem(adminPage, subject).getByRole('link', { name: subject }).click();
        await adminPage.getByRole('heading', { name: subject }).waitFor();
        await adminPage.getByRole('list', { name: 'Messages in this conversation' }).getByText('How many tickets').waitFor();

        // An empty reply is refused naming the field; then the reply is sent.
        await adminPage.getByRole('button', { name: 'Send reply' }).click();
        await adminPage.getByRole('region', { name: 'Reply' }).getByRole('alert').waitFor();
        await expect.poll(() => adminPage.getByRole('region', { name: 'Reply' }).locator('.problem').textContent()).toContain('must not be empty');
        await adminPage.getByLabel('Your reply').fill('Four tickets per family.');
        await adminPage.getByRole('button', { name: 'Send reply' }).click();
        await adminPage.getByRole('list', { name: 'Messages in this conversation' }).getByText('Four tickets per family.').waitFor();
        await screenshot(adminPage, `admin-messages-thread-${viewport.name}`);
        const bodies = await sql().query<{ body: string; author_id: number }>(
          'SELECT m.body, m.author_id FROM conversations c JOIN conversation_messages m ON m.conversation_id = c.id WHERE c.parent_id = $1 ORDER BY m.id',
          [parent.id],
        );
        expect(bodies).toEqual([
          { body: 'How many tickets may each family have?', author_id: parent.id },
          { body: 'Four tickets per family.', author_id: admin.id },
        ]);

        // The parent sees the reply.
        await parentPage.reload();
        await parentPage.getByRole('list', { name: 'Messages in this conversation' }).getByText('Four tickets per family.').waitFor();

        // The reply's in-app notification: listed, and marking it read lowers the count.
        await expect.poll(() => unreadNotifications(parent.id), { timeout: 60_000 }).toBeGreaterThan(0);
        const unread = await unreadNotifications(parent.id);
        await parentPage.reload();
        const account = parentPage.getByRole('navigation', { name: 'Account' });
        await account.getByRole('link', { name: `Notifications (${unread} unread)` }).click();
        await parentPage.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
        await parentPage.getByRole('list', { name: 'Notifications' }).getByRole('listitem').first().waitFor();
        await screenshot(parentPage, `parent-notifications-${viewport.name}`);
        await parentPage
          .getByRole('button', { name: /^Mark read/ })
          .first()
          .click();
        const after = unread - 1;
        await account.getByRole('link', { name: after > 0 ? `Notifications (${after} unread)` : 'Notifications', exact: true }).waitFor();
        expect(await unreadNotifications(parent.id)).toBe(after);
        await parentPage.getByRole('link', { name: 'Notification preferences' }).click();
        await parentPage.getByRole('heading', { name: 'Notification preferences' }).waitFor();
        await parentPage.getByLabel('In the portal').waitFor();
      } finally {
        await parentPage.context().close();
        await adminPage.context().close();
      }
    });

    it(`the office writes to a parent (an empty subject refused first) and starts the payment-issue workflow from a billing message (${viewport.width} px)`, async () => {
      const admin = await person('admin', 'Office');
      const parent = await person('parent', 'Sam');
      const subject = `Charged twice ${viewport.name}`;
      const written = await w.stack.app.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: parent.headers,
        payload: { to: 'school', subject, body: 'We were charged twice for March.', topic: 'billing' },
      });
      expect(written.statusCode, written.body).toBe(201);
      const page = await signedIn(w.browser, viewport, admin);
      try {
        // A new conversation: a parent found by e-mail; an empty subject is refused naming the field.
        await openSection(page, 'Messages');
        await page.getByRole('link', { name: 'New conversation' }).click();
        await page.getByRole('heading', { name: 'New conversation' }).waitFor();
        await page.getByLabel('Find by name or e-mail').fill(parent.email);
        await page.getByLabel('Recipient').locator('option', { hasText: parent.email }).waitFor({ state: 'attached' });
        await page.getByLabel('Recipient').selectOption({ label: `Sam Tester (${parent.email})` });
        await page.getByLabel('Message', { exact: true }).fill('Your spring term starts on Monday.');
        await page.getByRole('button', { name: 'Send message' }).click();
        await page.getByRole('region', { name: 'Write a message' }).getByRole('alert').waitFor();
        await expect.poll(() => page.getByRole('region', { name: 'Write a message' }).locator('.problem').first().textContent()).toContain('must not be empty');
        await screenshot(page, `admin-messages-new-${viewport.name}`);
        // The picker's long options stay inside the screen.
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        expect(await sql().query("SELECT 1 FROM conversations WHERE parent_id = $1 AND subject = 'Spring term'", [parent.id])).toHaveLength(0);
        await page.getByLabel('Subject').fill('Spring term');
        await page.getByRole('button', { name: 'Send message' }).click();
        await page.getByRole('heading', { name: 'Spring term' }).waitFor();
        expect(await sql().query("SELECT with_school FROM conversations WHERE parent_id = $1 AND subject = 'Spring term'", [parent.id])).toEqual([{ with_school: true }]);

        // The family's billing message: the office starts the payment-issue workflow on it.
        await page.getByRole('link', { name: 'All messages' }).click();
        await conversationItem(page, subject).getByRole('link', { name: subject }).click();
        await page.getByRole('heading', { name: subject }).waitFor();
        await page.getByRole('button', { name: 'Start the payment-issue workflow' }).click();
        const started = page.getByRole('status').filter({ hasText: 'Workflow started' });
        await started.waitFor();
        await screenshot(page, `admin-messages-payment-issue-${viewport.name}`);
        const runId = (await started.getByRole('link').textContent())?.trim() ?? '';
        expect(await started.getByRole('link').getAttribute('href')).toBe(`/app/workflows/runs/${runId}`);
        const messageId = written.json().conversation.messages[0].id as number;
        const [run] = await sql().query<{ workflow_name: string; event: { messageId?: number; trigger?: string } }>(
          'SELECT workflow_name, event FROM workflow_runs WHERE id = $1',
          [runId],
        );
        expect(run).toMatchObject({ workflow_name: 'payment-issue', event: { messageId, trigger: 'office' } });
      } finally {
        await page.context().close();
      }
    });

    it(`the admin changes their password on My account; a wrong current password shows the server's message first (${viewport.width} px)`, async () => {
      const admin = await person('admin', 'Office');
      const page = await signedIn(w.browser, viewport, admin);
      try {
        await openSection(page, 'My account');
        await page.getByRole('heading', { name: 'My account' }).waitFor();
        await page.getByRole('region', { name: 'Your notifications' }).waitFor();
        await page.getByRole('region', { name: 'How we reach you' }).getByLabel('E-mail').waitFor();
        const newPassword = `Changed-${viewport.width}-password!`;
        await page.getByLabel('Current password').fill('not-my-password');
        await page.getByLabel('New password').fill(newPassword);
        await page.getByRole('button', { name: 'Change password' }).click();
        const form = page.getByRole('region', { name: 'Change password' });
        await expect.poll(() => form.getByRole('alert').textContent()).toContain('is not your current password');
        await screenshot(page, `admin-account-password-refused-${viewport.name}`);
        const refused = await w.stack.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: admin.email, password: newPassword } });
        expect(refused.statusCode).toBe(401);

        await page.getByLabel('Current password').fill(admin.password);
        await page.getByRole('button', { name: 'Change password' }).click();
        await page.getByText('Password changed.', { exact: false }).waitFor();
        await screenshot(page, `admin-account-password-changed-${viewport.name}`);
        const signIn = await w.stack.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: admin.email, password: newPassword } });
        expect(signIn.statusCode, signIn.body).toBe(200);
        // Still signed in here with the new session: another section loads.
        await openSection(page, 'Messages');
        await page.getByRole('region', { name: 'Inbox' }).waitFor();
      } finally {
        await page.context().close();
      }
    });
  }
});
