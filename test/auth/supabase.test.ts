import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, testTokens, type TestApp } from '../helpers/app.js';
import { bearer } from './fixtures.js';

const SUPABASE_SECRET = 'supabase-project-jwt-secret-0123456789-abcdef';

/** A token shaped like Supabase Auth's (HS256 with the project secret unless a key is given). */
async function supabaseToken(options: {
  sub: string;
  email?: string;
  issuer?: string;
  audience?: string;
  key?: { privateKey: CryptoKey; kid: string };
  secret?: string;
  iatOffsetSeconds?: number;
}): Promise<string> {
  const now = Math.floor(Date.now() / 1000) + (options.iatOffsetSeconds ?? 0);
  const jwt = new SignJWT({ email: options.email, role: 'authenticated', aal: 'aal1', session_id: randomUUID(), user_metadata: {} })
    .setSubject(options.sub)
    .setAudience(options.audience ?? 'authenticated')
    .setIssuedAt(now)
    .setExpirationTime(now + 3600);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.key) return jwt.setProtectedHeader({ alg: 'ES256', kid: options.key.kid, typ: 'JWT' }).sign(options.key.privateKey);
  return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(options.secret ?? SUPABASE_SECRET));
}

const linkOf = async (t: TestApp, userId: number): Promise<string | null> =>
  (await t.database.db.sql.query<{ supabase_user_id: string | null }>('SELECT supabase_user_id FROM users WHERE id = $1', [userId]))[0]!.supabase_user_id;

describe('Supabase mode (HS256 project secret)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SUPABASE_JWT_SECRET: SUPABASE_SECRET } });
  });
  afterAll(async () => t.close());

  const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });

  it('maps a Supabase token to our user by e-mail on first sight, links it, then follows supabase_user_id', async () => {
    const user = await createUser(t.database.db, 'parent');
    const sub = randomUUID();
    expect(await linkOf(t, user.id)).toBeNull();

    const first = await me(await supabaseToken({ sub, email: user.email.toUpperCase(), issuer: 'https://project.supabase.co/auth/v1' }));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id: user.id, role: 'parent' });
    expect(await linkOf(t, user.id)).toBe(sub);

    // Linked: the e-mail in the token no longer matters.
    const later = await me(await supabaseToken({ sub, email: 'changed.address@elsewhere.example' }));
    expect(later.statusCode).toBe(200);
    expect(later.json().id).toBe(user.id);
    const noEmail = await me(await supabaseToken({ sub }));
    expect(noEmail.json().id).toBe(user.id);
  });

  it('refuses an unknown identity, and an e-mail already linked to another Supabase user', async () => {
    expect((await me(await supabaseToken({ sub: randomUUID(), email: 'stranger@nowhere.example' }))).statusCode).toBe(401);
    expect((await me(await supabaseToken({ sub: randomUUID() }))).statusCode).toBe(401);

    const user = await createUser(t.database.db, 'teacher');
    const owner = randomUUID();
    expect((await me(await supabaseToken({ sub: owner, email: user.email }))).statusCode).toBe(200);
    const impostor = await me(await supabaseToken({ sub: randomUUID(), email: user.email }));
    expect(impostor.statusCode).toBe(401);
    expect(await linkOf(t, user.id)).toBe(owner);
  });

  it('refuses Supabase-like tokens signed with another secret, for another audience or with a non-uuid subject', async () => {
    const user = await createUser(t.database.db, 'parent');
    expect((await me(await supabaseToken({ sub: randomUUID(), email: user.email, secret: 'not-the-project-secret-0123456789-abcdef' }))).statusCode).toBe(401);
    expect((await me(await supabaseToken({ sub: randomUUID(), email: user.email, audience: 'anon' }))).statusCode).toBe(401);
    expect((await me(await supabaseToken({ sub: 'not-a-uuid', email: user.email }))).statusCode).toBe(401);
    expect(await linkOf(t, user.id)).toBeNull();
  });

  it('never links an anonymous Supabase session by e-mail', async () => {
    const user = await createUser(t.database.db, 'parent');
    const key = new TextEncoder().encode(SUPABASE_SECRET);
    const now = Math.floor(Date.now() / 1000);
    const anonymous = await new SignJWT({ email: user.email, role: 'authenticated', is_anonymous: true })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(randomUUID())
      .setAudience('authenticated')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(key);
    expect((await me(anonymous)).statusCode).toBe(401);
    expect(await linkOf(t, user.id)).toBeNull();
  });

  it('applies deactivation to Supabase sign-ins too', async () => {
    const user = await createUser(t.database.db, 'parent');
    const token = await supabaseToken({ sub: randomUUID(), email: user.email });
    expect((await me(token)).statusCode).toBe(200);
    await t.database.db.sql.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('still accepts our own tokens', async () => {
    const user = await createUser(t.database.db, 'admin');
    const res = await me(await testTokens.sign({ userId: user.id, role: 'admin', email: user.email }));
    expect(res.statusCode).toBe(200);
  });
});

describe('Supabase mode (JWKS at SUPABASE_URL)', () => {
  let t: TestApp;
  let server: Server;
  let url: string;
  let jwksRequests = 0;
  let signingKey: { privateKey: CryptoKey; kid: string };

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signingKey = { privateKey: pair.privateKey, kid: 'test-key-1' };
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: signingKey.kid, alg: 'ES256', use: 'sig' };
    server = createServer((request, response) => {
      if (request.url === '/auth/v1/.well-known/jwks.json') {
        jwksRequests += 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestApp({ env: { SUPABASE_URL: url } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });

  it('verifies ES256 tokens against the project JWKS and maps them to our user', async () => {
    const user = await createUser(t.database.db, 'teacher');
    const sub = randomUUID();
    const res = await me(await supabaseToken({ sub, email: user.email, issuer: `${url}/auth/v1`, key: signingKey }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: user.id, teacherId: user.teacherId });
    expect(await linkOf(t, user.id)).toBe(sub);
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('refuses a wrong issuer, a key not in the JWKS and an HS256 token', async () => {
    const user = await createUser(t.database.db, 'parent');
    const other = await generateKeyPair('ES256');
    const attempts = [
      await supabaseToken({ sub: randomUUID(), email: user.email, issuer: 'https://evil.example/auth/v1', key: signingKey }),
      await supabaseToken({ sub: randomUUID(), email: user.email, issuer: `${url}/auth/v1`, key: { privateKey: other.privateKey, kid: signingKey.kid } }),
      await supabaseToken({ sub: randomUUID(), email: user.email, issuer: `${url}/auth/v1` }),
    ];
    for (const token of attempts) expect((await me(token)).statusCode).toBe(401);
    expect(await linkOf(t, user.id)).toBeNull();
  });
});
