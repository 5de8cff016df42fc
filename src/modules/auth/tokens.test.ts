import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokens, TOKEN_ISSUER } from './tokens.js';

const tokens = new AccessTokens('unit-test-secret-unit-test-secret-0123456789');
const principal = { userId: 42, role: 'teacher' as const, email: 'teacher@test.example' };

describe('AccessTokens', () => {
  it('signs HS256 tokens with Supabase-compatible claims plus app_role and the session version', async () => {
    const token = await tokens.sign(principal, 900, 1_700_000_000_123_456);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      sub: '42',
      role: 'authenticated',
      aud: 'authenticated',
      iss: TOKEN_ISSUER,
      email: 'teacher@test.example',
      app_role: 'teacher',
      sv: 1_700_000_000_123_456,
    });
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it('verifies its own tokens and reports the session version (undefined when absent)', async () => {
    expect(await tokens.verify(await tokens.sign(principal, 60, 7))).toMatchObject({ ...principal, sessionVersion: 7, issuedAt: expect.any(Number) });
    expect((await tokens.verify(await tokens.sign(principal)))?.sessionVersion).toBeUndefined();
  });

  it('remembers a verified token until it expires, and never a token it did not verify', async () => {
    const remembering = new AccessTokens('unit-test-secret-unit-test-secret-0123456789');
    const token = await remembering.sign(principal, 1);
    expect(remembering.recall(token)).toBeUndefined();
    expect(await remembering.verify(token)).toMatchObject(principal);
    expect(remembering.recall(token)).toMatchObject(principal);
    const [head, payload] = token.split('.');
    expect(remembering.recall(`${head}.${payload}.forged`)).toBeUndefined();
    expect(await remembering.verify(`${head}.${payload}.forged`)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, decodeJwt(token).exp! * 1000 - Date.now() + 20));
    expect(remembering.recall(token)).toBeUndefined();
    expect(await remembering.verify(token)).toBeUndefined();
  });

  it('rejects other keys, expired tokens and garbage without throwing', async () => {
    const other = new AccessTokens('another-secret-another-secret-0123456789');
    expect(await tokens.verify(await other.sign(principal))).toBeUndefined();
    expect(await tokens.verify(await tokens.sign(principal, -5))).toBeUndefined();
    for (const garbage of ['', 'abc', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiI0MiJ9.']) {
      expect(await tokens.verify(garbage)).toBeUndefined();
    }
  });
});
