import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';
import { FAMILY_HEADER, postImport, tableCounts } from './fixtures.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof createUser>>;
const counts = () => tableCounts((text) => t.database.db.sql.query(text));
const goodRow = 'kim@example.com,Kim,Park,,Lee,Park,2016-05-06,piano,,45';

beforeAll(async () => {
  t = await createTestApp();
  admin = await createUser(t.database.db, 'admin');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('POST /api/v1/imports: bad files and bad requests answer 400 naming the problem and change nothing', () => {
  const cases: Array<{ name: string; query: string; csv: string; field: string; message: RegExp }> = [
    {
      name: 'an unclosed quote',
      query: 'kind=families',
      csv: `${FAMILY_HEADER}\n"kim@example.com,Kim,Park,,Lee,Park,2016-05-06,piano,,45\n`,
      field: 'body',
      message: /not valid CSV.*quote/i,
    },
    { name: 'a row of another width', query: 'kind=families', csv: `${FAMILY_HEADER}\n${goodRow},extra\n`, field: 'body', message: /not valid CSV/i },
    { name: 'an empty file', query: 'kind=families', csv: '', field: 'body', message: /empty/ },
    { name: 'a header without rows', query: 'kind=families', csv: `${FAMILY_HEADER}\n`, field: 'body', message: /no data rows/ },
    {
      name: 'a missing required column',
      query: 'kind=families',
      csv: `Parent Email,Parent First Name\na@example.com,A\n`,
      field: 'body',
      message: /Missing required columns parentLastName, studentFirstName/,
    },
    { name: 'a wrong kind', query: 'kind=pupils', csv: `${FAMILY_HEADER}\n${goodRow}\n`, field: 'querystring.kind', message: /families/ },
    {
      name: 'a mapping to an unknown field',
      query: `kind=families&mapping=${encodeURIComponent('{"Kid":"childName"}')}`,
      csv: `${FAMILY_HEADER}\n${goodRow}\n`,
      field: 'querystring.mapping.Kid',
      message: /not a column/,
    },
    { name: 'a mapping that is not JSON', query: 'kind=families&mapping=oops', csv: `${FAMILY_HEADER}\n${goodRow}\n`, field: 'querystring.mapping', message: /JSON object/ },
    { name: 'two columns for one field', query: 'kind=families', csv: `${FAMILY_HEADER},Email\n${goodRow},x@example.com\n`, field: 'body', message: /both give parentEmail/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const before = await counts();
      for (const dryRun of ['true', 'false']) {
        const res = await postImport(t.app, admin.headers, `${c.query}&dryRun=${dryRun}`, c.csv);
        expect(res.statusCode, res.body).toBe(400);
        const error = res.json().error;
        expect(error.code).toBe('validation_failed');
        const detail = error.details.find((d: { field: string }) => d.field === c.field);
        expect(detail, JSON.stringify(error)).toBeDefined();
        expect(detail.message).toMatch(c.message);
      }
      expect(await counts()).toEqual(before);
      const [imports] = await t.database.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM imports');
      expect(imports!.n).toBe(0);
    });
  }

  it('refuses parents and teachers (403) and unknown imports (404)', async () => {
    for (const role of ['parent', 'teacher'] as const) {
      const user = await createUser(t.database.db, role);
      const res = await postImport(t.app, user.headers, 'kind=families&dryRun=true', `${FAMILY_HEADER}\n${goodRow}\n`);
      expect(res.statusCode).toBe(403);
    }
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/imports/999999', headers: admin.headers });
    expect(missing.statusCode).toBe(404);
  });
});

describe('column mapping', () => {
  it('reads a typical export by its header aliases, and any other header through ?mapping', async () => {
    const exported = [
      'Guardian Email,Guardian First Name,Guardian Last Name,Mobile,Student First Name,Student Last Name,DOB,Instrument,Kid Level,Home Room',
      'sam.doe@example.com,Sam,Doe,902-555-0133,Alex,Doe,03/04/2015,Violin,advanced,B12',
    ].join('\n');
    const mapping = encodeURIComponent(JSON.stringify({ 'Kid Level': 'skillLevel' }));
    const before = await counts();
    const res = await postImport(t.app, admin.headers, `kind=families&dryRun=true&mapping=${mapping}`, exported);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ totals: { total: 1, created: 1, errors: 0 }, ignoredColumns: ['Home Room'] });
    expect(await counts()).toEqual(before);

    const asJson = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports?kind=families&dryRun=true',
      headers: admin.headers,
      payload: { csv: exported.replace('Violin', 'Kazoo'), mapping: { 'Kid Level': 'skillLevel' } },
    });
    expect(asJson.statusCode, asJson.body).toBe(200);
    expect(asJson.json().rows[0]).toEqual({ row: 2, outcome: 'error', errors: [{ column: 'Instrument', message: expect.stringContaining('not offered') }] });
  });
});
