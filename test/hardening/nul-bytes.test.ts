import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nulFields } from '../../src/http/nul-bytes.js';
import { call, createWorld, fieldsOf, type World } from '../records/helpers.js';

// PostgreSQL cannot store NUL in text (SQLSTATE 22021): a `%00` or `\u0000` used to reach it and
// answer 500. Every such value is now a 400 naming the field, before validation and the database.

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.t.close();
});

const expectNulRefused = (res: { status: number; body: any }, field: string): void => {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
  expect(fieldsOf(res.body)).toEqual([field]);
  expect(res.body.error.details[0].message).toBe('must not contain NUL characters');
};

describe('NUL bytes in the URL', () => {
  it.each([
    ['public teachers', '/api/v1/public/teachers?instrument=pi%00ano', null, 'querystring.instrument'],
    ['students', '/api/v1/students?q=a%00b', 'admin', 'querystring.q'],
    ['teachers', '/api/v1/teachers?q=a%00b', 'admin', 'querystring.q'],
    ['teachers by instrument', '/api/v1/teachers?instrument=a%00b', 'admin', 'querystring.instrument'],
    ['a setting key', '/api/v1/settings/sch%00ool', 'admin', 'params.key'],
    ['audit by entity', '/api/v1/audit?entity=stu%00dent', 'admin', 'querystring.entity'],
    ['audit by action', '/api/v1/audit?action=cre%00ate', 'admin', 'querystring.action'],
  ] as const)('%s: %s as %s → 400 naming %s', async (_name, url, who, field) => {
    expectNulRefused(await call(w.t, who === 'admin' ? w.admin : null, 'GET', url), field);
  });

  it('a setting key on PUT', async () => {
    expectNulRefused(await call(w.t, w.admin, 'PUT', '/api/v1/settings/a%00b', { value: 1 }), 'params.key');
  });
});

describe('NUL characters in JSON bodies', () => {
  it('refuses a NUL in a string that would be stored', async () => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/academic-years', { name: 'Fall\u0000', startsOn: '2040-09-01', endsOn: '2041-06-30' });
    expectNulRefused(res, 'body.name');
  });

  it('names nested fields and object keys', async () => {
    const res = await call(w.t, w.admin, 'PUT', '/api/v1/settings/school', { value: { name: 'Cedar', address: { line1: 'a\u0000' } } });
    expectNulRefused(res, 'body.value.address.line1');
    const key = await call(w.t, w.admin, 'PUT', '/api/v1/settings/school', { value: { 'na\u0000me': 'Cedar' } });
    expect(key.status).toBe(400);
    expect(fieldsOf(key.body)).toEqual(['body.value.na\\u0000me']);
  });

  it('leaves ordinary text alone', async () => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/academic-years', { name: 'Année 2040 – “ok” 0%00', startsOn: '2040-09-01', endsOn: '2041-06-30' });
    expect(res.status).toBe(201);
  });
});

describe('nulFields', () => {
  it('walks arrays and objects without recursion and stops after ten fields', () => {
    expect(nulFields('body', { a: ['x', 'y\u0000'], b: { c: 1, d: null } })).toEqual(['body.a.1']);
    expect(
      nulFields(
        'body',
        Array.from({ length: 50 }, () => '\u0000'),
      ),
    ).toHaveLength(10);
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(nulFields('body', deep)).toHaveLength(1);
  });
});
