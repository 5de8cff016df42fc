import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.mjs';
import { launchChromium } from './browser.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { createTestStack, type TestStack } from './stack.js';

/** The whole school on a port with the web app freshly built, mail going to an SMTP sink, and Chromium. */
export interface WebSchool {
  stack: TestStack;
  sink: SmtpSink;
  browser: Browser;
  /** `http://127.0.0.1:<port>` of the app. */
  origin: string;
  /** Signs in through the sign-in page. */
  signIn(page: Page, email: string, password: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the web app into a temporary folder (so the test sees the sources as they are), starts
 * the school with it (real worker, simulated gateway; e-mailed links point at PUBLIC_APP_URL
 * `http://portal.invalid`, so tests open them on `origin`), and launches Chromium.
 */
export async function startWebSchool(): Promise<WebSchool> {
  const webDir = mkdtempSync(path.join(tmpdir(), 'cedar-web-'));
  await buildWeb({ outDir: webDir, log: () => undefined });
  const sink = await startSmtpSink();
  const stack = await createTestStack({ env: { SMTP_URL: sink.url, PUBLIC_APP_URL: 'http://portal.invalid' }, webDir });
  await stack.app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  return {
    stack,
    sink,
    browser,
    origin,
    async signIn(page, email, password) {
      await page.goto(`${origin}/sign-in`);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    },
    async close() {
      await browser.close();
      await stack.close();
      await sink.close();
      rmSync(webDir, { recursive: true, force: true });
    },
  };
}
