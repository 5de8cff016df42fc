// @ts-check
/**
 * Whether dist/ was built from the sources as they are now. Only node's own modules here: the
 * launcher (start.mjs) runs this on every start, so it must cost milliseconds.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const srcDir = path.join(root, 'src');
export const distDir = path.join(root, 'dist');
/** Written last by a build that finished; holds the fingerprint of the sources it was made from. */
export const buildInfoFile = path.join(distDir, 'build-info.json');

/** Inputs of the build besides src/ (the build's own code and settings). */
const buildInputs = [
  'scripts/build.mjs',
  'scripts/build-state.mjs',
  'scripts/build-web.mjs',
  'scripts/pglite-image.ts',
  'tsconfig.json',
  'package.json',
  'web/index.html',
  'web/vite.config.ts',
];

/**
 * Every file under `dir` except tests, as paths relative to the repository.
 * @param {string} dir
 * @param {string[]} [into]
 * @returns {string[]}
 */
function listSources(dir, into = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listSources(full, into);
    else if (!entry.name.endsWith('.test.ts')) into.push(path.relative(root, full));
  }
  return into;
}

/**
 * A hash of the build's inputs: the path, size and modification time of every source file and
 * build input. Any edit, added or removed file, or copy with an older time changes it.
 */
export function sourceFingerprint() {
  const hash = createHash('sha256');
  for (const file of [...listSources(srcDir), ...listSources(path.join(root, 'web', 'src')), ...buildInputs].sort()) {
    let stamp = 'missing';
    try {
      const stat = statSync(path.join(root, file));
      stamp = `${stat.size} ${stat.mtimeMs}`;
    } catch {
      // a build input that does not exist counts as such
    }
    hash.update(`${file}\0${stamp}\n`);
  }
  return hash.digest('hex');
}

/** True when the sources are present (a checkout, not an image holding only dist/). */
export function haveSources() {
  try {
    return statSync(srcDir).isDirectory();
  } catch {
    return false;
  }
}

/** True when dist/ holds a finished build of the current sources (or there are no sources to build). */
export function buildIsCurrent() {
  if (!haveSources()) return true;
  try {
    const info = JSON.parse(readFileSync(buildInfoFile, 'utf8'));
    return info.sources === sourceFingerprint();
  } catch {
    return false;
  }
}
