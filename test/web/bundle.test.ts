import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.mjs';

const outDir = mkdtempSync(path.join(tmpdir(), 'cedar-bundle-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the web app build', () => {
  it('reports its sizes; a first visit loads under 200 kB of compressed JavaScript; every asset has brotli and gzip copies', { timeout: 120_000 }, async () => {
    const report = await buildWeb({ outDir, log: () => undefined });
    expect(report.firstLoad.files.some((file) => file.endsWith('.js'))).toBe(true);
    expect(report.firstLoad.js.gzip).toBeGreaterThan(0);
    expect(report.firstLoad.js.gzip).toBeLessThan(200 * 1024);
    // The signed-in pages are a chunk of their own, not part of the first load.
    const chunks = Object.keys(report.assets).filter((file) => file.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(report.firstLoad.files.filter((file) => file.endsWith('.js')).length);
    for (const file of Object.keys(report.assets)) {
      expect(existsSync(path.join(outDir, `${file}.br`)), `${file}.br`).toBe(true);
      expect(existsSync(path.join(outDir, `${file}.gz`)), `${file}.gz`).toBe(true);
    }
  });
});
