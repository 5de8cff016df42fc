import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create('memory://');
for (let round = 0; round < 4; round++) {
  const t = performance.now();
  await db.query("select sum(g), count(distinct g % 1000), string_agg(md5(g::text), '') is null from generate_series(1, 300000) g");
  console.log('round', round, Math.round(performance.now() - t));
}
await db.close();
