import { writeFileSync } from 'node:fs';
import { openDatabase } from './src/db/client.js';
import { migrate } from './src/db/migrate.js';
let t = performance.now();
const lap = (l: string) => { console.log(l.padEnd(30), Math.round(performance.now() - t)); t = performance.now(); };
const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' }); lap('initdb memory');
await migrate(db.sql); lap('migrate');
for (const c of ['none', 'gzip'] as const) { const b = await db.pglite!.dumpDataDir(c); writeFileSync(`/tmp/st/snap-${c}.tar`, Buffer.from(await b.arrayBuffer())); lap(`dump ${c} ${b.size}`); }
await db.close();
