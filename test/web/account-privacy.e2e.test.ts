import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createUser } from '../helpers/app.js';
import { haveChromium, screenshot, viewports } from '../helpers/browser.js';
import { routeStripeJs } from '../helpers/stripe-js-stand-in.js';
import { openSection, startWebSchool, type WebSchool } from '../helpers/web-school.js';

/**
 * Privacy in the browser, at 375 and 1280 px: a parent withdraws and grants a consent, asks for a
 * copy of their data and downloads the zip, asks for erasure and reads the server's refusal while
 * money is owed; an admin approves an erasure request and runs a retention dry run; a parent adds
 * a card with Stripe Elements (Stripe.js served by a stand-in, js.stripe.com being out of reach).
 * The school runs with a Stripe publishable key and the simulated gateway.
 */
const run = haveChromium || process.env.CI === 'true' ? describe : describe.skip;
const PUBLISHABLE_KEY = 'pk_test_cedarheightsBrowser';

run('privacy and cards in a browser', { timeout: 180_000 }, () => {
  let w: WebSchool;
  let counter = 0;

  beforeAll(async () => {
    w = await startWebSchool({ env: { STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY } });
  }, 240_000);
  afterAll(async () => w?.close());

  const sql = () => w.stack.database.db.sql;

  async function person(role: 'parent' | 'admin' | 'teacher') {
    counter += 1;
    const password = `Privacy-${role}-${counter}-password!`;
    const user = await createUser(w.stack.database.db, role, { passwordHash: await hashPassword(password), firstName: 'Robin' });
    return { ...user, password };
  }

  async function openPage(viewport: (typeof viewports)[number]): Promise<{ page: Page; done: () => Promise<void> }> {
    const context = await w.browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, acceptDownloads: true });
    const page = await context.newPage();
    return { page, done: () => context.close() };
  }

  /** Nothing on the page is wider than the screen. */
  async function fitsTheScreen(page: Page): Promise<void> {
    const widths = await page.evaluate<{ page: number; screen: number }>('({ page: document.documentElement.scrollWidth, screen: window.innerWidth })');
    expect(widths.page).toBeLessThanOrEqual(widths.screen);
  }

  for (const viewport of viewports) {
    it(`a parent changes consents, downloads an export and is refused erasure while owing money (${viewport.width} px)`, async () => {
      const parent = await person('parent');
      await sql().query(`INSERT INTO payments (parent_id, amount_cents, status) VALUES ($1, 4500, 'failed')`, [parent.id]);
      const { page, done } = await openPage(viewport);
      try {
        await w.signIn(page, parent.email, parent.password);
        await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Privacy' }).click();
        await page.getByRole('heading', { name: 'Privacy', level: 1 }).waitFor();

        // consents: grant, then withdraw marketing e-mail; each change shows the new record
        const consents = page.getByRole('list', { name: 'Consents' });
        await consents.getByRole('button', { name: 'Grant marketing e-mail' }).click();
        await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/Marketing e-mail granted: version \S+, recorded .+ by you\./);
        await consents.getByRole('button', { name: 'Withdraw marketing e-mail' }).click();
        await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/Marketing e-mail withdrawn: version \S+, recorded .+ by you\./);
        const recorded = await w.stack.app.inject({ method: 'GET', url: `/api/v1/users/${parent.id}/consents`, headers: parent.headers });
        expect(recorded.json().marketingEmail).toMatchObject({ granted: false, actor: { userId: parent.id } });
        const rows = await sql().query<{ n: number }>(`SELECT count(*)::int AS n FROM consents WHERE user_id = $1 AND kind = 'marketing_email'`, [parent.id]);
        expect(rows[0]!.n).toBe(2);

        // a copy of the data: asked, made by the worker, downloaded with the token
        await page.getByRole('button', { name: 'Ask for a copy of my data' }).click();
        const downloadButton = page.getByRole('button', { name: /^Download export #\d+$/ });
        await downloadButton.waitFor({ timeout: 90_000 });
        await screenshot(page, `account-privacy-${viewport.name}`);
        await fitsTheScreen(page);
        const [download] = await Promise.all([page.waitForEvent('download'), downloadButton.click()]);
        expect(download.suggestedFilename()).toMatch(new RegExp(`^cedar-heights-export-${parent.id}-\\d+\\.zip$`));
        const zip = readFileSync((await download.path())!);
        expect(zip.subarray(0, 2).toString()).toBe('PK');

        // erasure: a reason is required (the server names the field), then the debt refuses it
        const erasure = page.getByRole('region', { name: 'Erase your family’s data' });
        await erasure.getByLabel(/I understand/).check();
        await erasure.getByRole('button', { name: 'Ask to erase my family’s data' }).click();
        await erasure.locator('.problem').waitFor();
        await expect.poll(() => erasure.getByLabel('Why do you ask for erasure?').getAttribute('aria-invalid')).toBe('true');
        await erasure.getByLabel('Why do you ask for erasure?').fill('We are moving away');
        await erasure.getByRole('button', { name: 'Ask to erase my family’s data' }).click();
        await expect.poll(() => erasure.getByRole('alert').textContent()).toMatch(/owes 4500 cents/);
        await screenshot(page, `account-privacy-erasure-refused-${viewport.name}`);
        const requests = await sql().query('SELECT id FROM erasure_requests WHERE user_id = $1', [parent.id]);
        expect(requests).toEqual([]);
      } finally {
        await done();
      }
    });

    it(`an admin approves an erasure request and runs a retention dry run (${viewport.width} px)`, async () => {
      const admin = await person('admin');
      const family = await person('parent');
      const asked = await w.stack.app.inject({
        method: 'POST',
        url: '/api/v1/privacy/erasures',
        headers: family.headers,
        payload: { userId: family.id, reason: 'Closing our account' },
      });
      expect(asked.statusCode, asked.body).toBe(202);
      const requestId = asked.json().id as number;
      const { page, done } = await openPage(viewport);
      try {
        await w.signIn(page, admin.email, admin.password);
        await page.getByRole('navigation', { name: 'Office' }).waitFor();
        await openSection(page, 'Privacy');
        const requests = page.getByRole('list', { name: 'Erasure requests' });
        // refusing needs a reason: the server's problem shows on the field
        await requests.getByRole('button', { name: `Reject request #${requestId}` }).click();
        await expect.poll(() => requests.getByLabel(`Why request #${requestId} is refused`).getAttribute('aria-invalid')).toBe('true');
        await requests.getByRole('button', { name: `Approve request #${requestId}` }).click();
        await expect
          .poll(() =>
            requests
              .getByRole('listitem')
              .filter({ hasText: `Request #${requestId} ` })
              .textContent(),
          )
          .toMatch(/approved|completed/);
        await expect
          .poll(async () => (await sql().query<{ status: string }>('SELECT status FROM erasure_requests WHERE id = $1', [requestId]))[0]?.status)
          .toMatch(/approved|completed/);

        // retention: a bad period is refused naming the field; the dry run shows what would go
        const retention = page.getByRole('region', { name: 'Retention' });
        await retention.getByLabel('In-app notifications (days)').fill('0');
        await retention.getByRole('button', { name: 'Save periods' }).click();
        await expect.poll(() => retention.getByLabel('In-app notifications (days)').getAttribute('aria-invalid')).toBe('true');
        await retention.getByRole('button', { name: 'Dry run: what would be purged' }).click();
        const dryRun = retention.getByRole('table', { name: 'Dry run' });
        await dryRun.waitFor();
        expect(await dryRun.getByRole('row').count()).toBeGreaterThan(1);
        await expect.poll(() => retention.getByRole('heading', { level: 3 }).textContent()).toContain('nothing was changed');
        await screenshot(page, `admin-privacy-${viewport.name}`);
        await fitsTheScreen(page);
      } finally {
        await done();
      }
    });

    it(`a parent adds a card with Stripe Elements (${viewport.width} px)`, async () => {
      const parent = await person('parent');
      const { page, done } = await openPage(viewport);
      try {
        await routeStripeJs(page);
        await w.signIn(page, parent.email, parent.password);
        await page.getByRole('navigation', { name: 'Family' }).getByRole('link', { name: 'Cards' }).click();
        const card = page.getByLabel('Card number');
        await card.waitFor();
        expect(await page.getByLabel('Test card').count()).toBe(0);

        // a declined card: Stripe's message reaches the page, nothing is saved
        await card.fill('4000 0000 0000 0002');
        await page.getByRole('button', { name: 'Save card' }).click();
        await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Your card was declined.');

        await card.fill('4242 4242 4242 4242');
        const saved = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith(`/api/v1/billing/${parent.id}/payment-methods`));
        await page.getByRole('button', { name: 'Save card' }).click();
        expect((await saved).postDataJSON()).toMatchObject({ paymentMethod: 'pm_card_visa' });
        await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Saved: visa ending 4242 (default).');
        await page.getByRole('list', { name: 'Saved cards' }).getByText('visa ending 4242').waitFor();
        const confirmations = await page.evaluate<{ publishableKey: string; clientSecret: string }[]>('window.stripeStandIn.confirmations');
        expect(confirmations).toHaveLength(2);
        expect(confirmations.every((c) => c.publishableKey === PUBLISHABLE_KEY && /^seti_\w+_secret_\w+$/.test(c.clientSecret))).toBe(true);
        const cards = await sql().query<{ brand: string; last4: string }>('SELECT brand, last4 FROM saved_payment_methods WHERE parent_id = $1', [parent.id]);
        expect(cards).toEqual([{ brand: 'visa', last4: '4242' }]);
        await screenshot(page, `parent-cards-stripe-${viewport.name}`);
        await fitsTheScreen(page);
      } finally {
        await done();
      }
    });
  }
});
