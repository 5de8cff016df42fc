import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create(process.argv[2]);
for (let round = 0; round < 3; round++) {
  const t = performance.now();
  for (let i = 0; i < 300; i++) {
    await db.query('select u.id, u.email, count(s.*) from users u left join students s on true group by u.id, u.email order by u.email limit 20');
    await db.query("select key, value from settings where key = $1", ['school']);
  }
  console.log('round', round, Math.round(performance.now() - t));
}
await db.close();
