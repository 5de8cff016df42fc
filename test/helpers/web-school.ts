import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
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

/** Every file the built app depends on: web/ and the lock file. */
function webSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? webSources(file) : [file];
  });
}

/**
 * The web app built from the sources as they are, once per content: the build goes to
 * `node_modules/.cache/cedar-web/<hash of web/ and the lock file>`, and every browser suite (each
 * in its own worker) reuses it. Two suites building at once each build into their own folder; the
 * first rename wins and the other build is dropped; builds older than a day are removed.
 */
async function builtWebForTests(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...webSources(path.resolve('web')).sort(), path.resolve('package-lock.json')]) hash.update(path.relative(process.cwd(), file)).update(readFileSync(file));
  const cache = path.resolve('node_modules', '.cache', 'cedar-web');
  const dir = path.join(cache, hash.digest('hex').slice(0, 16));
  if (existsSync(path.join(dir, 'index.html'))) return dir;
  mkdirSync(cache, { recursive: true });
  const building = `${dir}.${process.pid}.${Date.now()}`;
  await buildWeb({ outDir: building, log: () => undefined });
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const other of readdirSync(cache).map((name) => path.join(cache, name))) if (statSync(other).mtimeMs < dayAgo) rmSync(other, { recursive: true, force: true });
  return dir;
}

/**
 * Builds the web app once per content of its sources (see builtWebForTests), starts
 * the school with it (real worker, simulated gateway; e-mailed links point at PUBLIC_APP_URL
 * `http://portal.invalid`, so tests open them on `origin`), and launches Chromium. `env`: more
 * configuration (e.g. STRIPE_PUBLISHABLE_KEY).
 */
export async function startWebSchool(options: { env?: Record<string, string> } = {}): Promise<WebSchool> {
  const webDir = await builtWebForTests();
  const sink = await startSmtpSink();
  const stack = await createTestStack({ env: { SMTP_URL: sink.url, PUBLIC_APP_URL: 'http://portal.invalid', ...options.env }, webDir });
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
    },
  };
}

/** Opens a section of the admin console by its menu label, through the "Sections" button on a phone. */
export async function openSection(page: Page, label: string): Promise<void> {
  const office = page.getByRole('navigation', { name: 'Office' });
  const link = office.getByRole('link', { name: label, exact: true });
  if (!(await link.isVisible())) await office.getByRole('button', { name: /^Sections/ }).click();
  await link.click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}
