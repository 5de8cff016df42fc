import { readdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
let t = performance.now();
const lap = (l) => { console.log(l.padEnd(30), Math.round(performance.now() - t)); t = performance.now(); };
const db = await PGlite.create(process.argv[2]); lap('open');
await new Promise((r) => setImmediate(r)); lap('setImmediate');
await new Promise((r) => setTimeout(r, 0)); lap('setTimeout');
await readdir('/work/main/src/db/migrations'); lap('readdir after');
await db.close();
