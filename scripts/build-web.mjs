// @ts-check
/**
 * Builds the web app (web/, React + Vite) into dist/web, writes a gzip and a brotli copy of every
 * text asset beside it (the server sends them to browsers that accept them), and reports the
 * bundle sizes in dist/web/bundle-sizes.json: every asset, and the JavaScript and CSS a first visit
 * loads (the entry and the modules it preloads), raw, gzip and brotli, in bytes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { root } from './build-state.mjs';

export const webDir = path.join(root, 'web');
export const webOutDir = path.join(root, 'dist', 'web');
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;

/** @param {Buffer} contents */
function sizes(contents) {
  return {
    raw: contents.length,
    gzip: gzipSync(contents, { level: 9 }).length,
    brotli: brotliCompressSync(contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * The files a first visit of index.html loads: its module script, preloaded modules and styles.
 * @param {string} outDir
 */
function firstLoadFiles(outDir) {
  const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((match) => /** @type {string} */ (match[1]));
}

/**
 * @param {{ log?: (line: string) => void, outDir?: string }} [options] `outDir`: default dist/web (tests build elsewhere)
 * @returns {Promise<{ firstLoad: { files: string[], js: { raw: number, gzip: number, brotli: number } } }>}
 */
export async function buildWeb(options = {}) {
  const { log = (line) => process.stderr.write(`${line}\n`), outDir = webOutDir } = options;
  const { build } = await import('vite');
  await build({ configFile: path.join(webDir, 'vite.config.ts'), logLevel: 'warn', build: { outDir } });
  /** @type {Record<string, { raw: number, gzip: number, brotli: number }>} */
  const assets = {};
  const assetsDir = path.join(outDir, 'assets');
  for (const name of [...readdirSync(assetsDir).map((n) => `assets/${n}`), 'index.html']) {
    if (!COMPRESSIBLE.test(name)) continue;
    const file = path.join(outDir, name);
    const contents = readFileSync(file);
    assets[name] = sizes(contents);
    writeFileSync(`${file}.gz`, gzipSync(contents, { level: 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
  const files = firstLoadFiles(outDir);
  const js = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const size = assets[file];
    if (!size) continue;
    js.raw += size.raw;
    js.gzip += size.gzip;
    js.brotli += size.brotli;
  }
  const report = { firstLoad: { files, js }, assets };
  writeFileSync(path.join(outDir, 'bundle-sizes.json'), `${JSON.stringify(report, null, 2)}\n`);
  const kB = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} kB`;
  for (const [name, size] of Object.entries(assets))
    log(`  web ${name.padEnd(34)} ${kB(size.raw).padStart(9)}  gzip ${kB(size.gzip).padStart(8)}  brotli ${kB(size.brotli).padStart(8)}`);
  log(`built dist/web: first load ${kB(js.gzip)} of gzip JavaScript (${kB(js.brotli)} brotli, ${kB(js.raw)} raw)`);
  return report;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  await buildWeb();
}
