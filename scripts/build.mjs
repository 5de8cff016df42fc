#!/usr/bin/env node
// @ts-check
/**
 * `npm run build` (also run by `npm install` and, when the sources changed, by `npm start`):
 * bundles src/main.ts with esbuild into dist/ (dependencies stay in node_modules), copies the SQL
 * migrations to dist/migrations, builds the web app into dist/web (scripts/build-web.mjs), and makes dist/pglite-migrated/, the migrated database an empty
 * embedded DATA_DIR starts as a copy of. `--no-image` skips the image (one whose key no longer
 * matches is then not used at start).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildInfoFile, distDir, haveSources, root, sourceFingerprint, srcDir } from './build-state.mjs';

/** How long bundle files of an earlier build are kept (a process may be starting from them). */
const STALE_OUTPUT_MS = 60 * 60 * 1000;

/** esbuild as installed with tsx (a dependency), so the build needs no extra package. */
function loadEsbuild() {
  const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  return /** @type {typeof import('esbuild')} */ (fromTsx('esbuild'));
}

/**
 * Replaces `file` in one step, so a process starting meanwhile reads the old or the new file, never a part.
 * @param {string} file
 * @param {Uint8Array | string} contents
 */
function writeAtomically(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/** Bundles the entry points into dist/; removes bundle files of earlier builds. */
async function bundle() {
  const esbuild = loadEsbuild();
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: { main: 'src/main.ts', 'pglite-image': 'scripts/pglite-image.ts' },
      outdir: distDir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      chunkNames: 'chunk-[hash]',
      sourcemap: 'linked',
      sourcesContent: false,
      write: false,
      logLevel: 'warning',
    });
    // Chunks first, the entry points that import them last: a process starting meanwhile loads the
    // old entry point with its old chunks, or the new one with its new chunks.
    const isChunk = (/** @type {string} */ file) => path.basename(file).startsWith('chunk-');
    const outputs = [...result.outputFiles].sort((a, b) => Number(isChunk(b.path)) - Number(isChunk(a.path)));
    const written = new Set();
    for (const output of outputs) {
      writeAtomically(output.path, output.contents);
      written.add(output.path);
    }
    // Chunks of earlier builds go once no process can still be starting from them.
    const staleBefore = Date.now() - STALE_OUTPUT_MS;
    for (const name of readdirSync(distDir)) {
      const file = path.join(distDir, name);
      if (/\.js(\.map)?$/.test(name) && !written.has(file) && statSync(file).mtimeMs < staleBefore) rmSync(file, { force: true });
    }
  } finally {
    await esbuild.stop();
  }
}

/** dist/migrations: exactly the SQL migrations of the sources (a removed one must not be applied). */
function copyMigrations() {
  const from = path.join(srcDir, 'db', 'migrations');
  const to = path.join(distDir, 'migrations');
  const files = readdirSync(from).filter((name) => name.endsWith('.sql'));
  for (const name of files) writeAtomically(path.join(to, name), readFileSync(path.join(from, name)));
  for (const name of readdirSync(to)) if (!files.includes(name)) rmSync(path.join(to, name), { force: true });
}

/**
 * dist/web, the web app. Vite is a development dependency: an install without them (`--omit=dev`)
 * serves the API only, and says so.
 * @param {(line: string) => void} log
 */
async function buildWebApp(log) {
  try {
    createRequire(import.meta.url).resolve('vite');
  } catch {
    log('web app not built: Vite is not installed (install the development dependencies to serve the web app)');
    return;
  }
  const { buildWeb } = await import('./build-web.mjs');
  await buildWeb({ log });
}

/**
 * Builds dist/. The fingerprint is taken before reading the sources, so an edit made during the
 * build makes the next start build again.
 * @param {{ image?: boolean, log?: (line: string) => void }} [options]
 */
export async function build(options = {}) {
  const { image = true, log = (line) => process.stderr.write(`${line}\n`) } = options;
  const started = performance.now();
  const sources = sourceFingerprint();
  rmSync(buildInfoFile, { force: true });
  mkdirSync(distDir, { recursive: true });
  await bundle();
  copyMigrations();
  log(`built dist/ in ${Math.round(performance.now() - started)} ms`);
  await buildWebApp(log);
  if (image) {
    const imageStarted = performance.now();
    const entry = pathToFileURL(path.join(distDir, 'pglite-image.js')).href;
    const { writeMigratedImage } = /** @type {{ writeMigratedImage(): Promise<{ written: boolean, dir: string }> }} */ (await import(entry));
    const result = await writeMigratedImage();
    const took = Math.round(performance.now() - imageStarted);
    log(result.written ? `made ${path.relative(root, result.dir)}/ in ${took} ms` : `${path.relative(root, result.dir)}/ is up to date`);
  }
  writeAtomically(buildInfoFile, `${JSON.stringify({ sources, builtAt: new Date().toISOString() }, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (haveSources()) {
    await build({ image: !process.argv.includes('--no-image') });
  } else {
    // npm runs `prepare` before the sources are copied in (the Dockerfile's dependency layer).
    process.stderr.write('build: no src/ here, nothing to build\n');
  }
}
