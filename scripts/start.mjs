#!/usr/bin/env node
// @ts-check
/**
 * `npm start` and the other npm scripts of the CLI: runs dist/main.js (the built CLI, same
 * arguments) in this process, building dist/ first when the sources changed since the last build,
 * so editing src/ then starting never runs stale code. The check costs a few milliseconds.
 */
import v8 from 'node:v8';
import { buildIsCurrent } from './build-state.mjs';

// PGlite is PostgreSQL compiled to WebAssembly. V8 re-compiles each WebAssembly function with its
// optimising compiler once it has run a while (the tiering budget); PostgreSQL's start-up runs
// thousands of functions a while, so at the default budget start-up spends about a second
// optimising code it never runs again. Ten times the budget leaves that to the code a running
// school keeps executing. Set here, before any WebAssembly is compiled.
v8.setFlagsFromString('--wasm-tiering-budget=20000000');

if (!buildIsCurrent()) {
  process.stderr.write('Building dist/ (the sources changed since the last build)\n');
  const { build } = await import('./build.mjs');
  await build({ image: false });
}
await import('../dist/main.js');
