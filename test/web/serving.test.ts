import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.mjs';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let webDir: string;

beforeAll(async () => {
  webDir = mkdtempSync(path.join(tmpdir(), 'cedar-serve-'));
  await buildWeb({ outDir: webDir, log: () => undefined });
  t = await createTestApp({ deps: { webDir } });
}, 120_000);

afterAll(async () => {
  await t?.close();
  rmSync(webDir, { recursive: true, force: true });
});

describe('the web app, served by the API process', () => {
  it.each(['/', '/sign-in', '/set-password?token=abc', '/reset-password', '/reset-password?token=abc', '/app', '/app/lessons/12'])(
    '%s answers the app page, never cached',
    async (url) => {
      const res = await t.app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root"></div>');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    },
  );

  it('sends assets brotli- or gzip-compressed when accepted, cached for a year', async () => {
    const script = /src="\/(assets\/[^"]+\.js)"/.exec(readFileSync(path.join(webDir, 'index.html'), 'utf8'))![1]!;
    const br = await t.app.inject({ url: `/${script}`, headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toContain('immutable');
    const gzip = await t.app.inject({ url: `/${script}`, headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    const plain = await t.app.inject({ url: `/${script}`, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toContain('createRoot');
  });

  it('answers a missing asset, a path outside the assets and unknown pages with the JSON 404', async () => {
    for (const url of ['/assets/nothing-here.js', '/assets/..%2F..%2Fpackage.json', '/unknown-page']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('not_found');
    }
  });

  it('leaves the API where it was', async () => {
    const res = await t.app.inject({ url: '/api/v1/public/school' });
    expect(res.statusCode).toBe(200);
    expect(res.json().timezone).toBe('America/Halifax');
  });
});
