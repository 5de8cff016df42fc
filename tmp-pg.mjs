import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
const dir = process.argv[2]; const mode = process.argv[3];
const t0 = performance.now();
const busy = (ms) => { const e = performance.now() + ms; while (performance.now() < e); };
let p = PGlite.create(dir, { extensions: { btree_gist } });
let tOpen;
p.then(() => { tOpen = performance.now() - t0; });
if (mode === 'busy') { for (let i = 0; i < 40; i++) { busy(50); await new Promise((r) => setImmediate(r)); } }
const t1 = performance.now() - t0;
const db = await p;
const t2 = performance.now() - t0;
await db.query('select 1');
const t3 = performance.now() - t0;
console.log(mode, 'busy done', Math.round(t1), 'open', Math.round(tOpen), 'awaited', Math.round(t2), 'q1', Math.round(t3));
await db.close();
