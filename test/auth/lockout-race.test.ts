/**
 * The sign-in lockout under concurrency: a burst of sign-ins sent at once, all in flight together
 * while argon2 verifies, may not evaluate more than LOCK_AFTER_FAILURES passwords before the lock,
 * so the right password sent late in a burst of wrong ones is refused and the account ends locked.
 * Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_AFTER_FAILURES } from '../../src/modules/auth/service.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { onRealPostgres } from '../helpers/db.js';
import { strongPassword, userWithPassword } from './fixtures.js';

describe(`sign-in lockout under concurrent attempts (${onRealPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  });
  afterAll(async () => t?.close());

  const signIn = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  const lockState = async (userId: number) =>
    (
      await t.database.db.sql.query<{ failed_login_count: number; locked: boolean }>(
        'SELECT failed_login_count, coalesce(locked_until > now(), false) AS locked FROM users WHERE id = $1',
        [userId],
      )
    )[0]!;

  it('20 sign-ins at once with the right password 16th: none signs in, only the allowed attempts count, the account is locked', async () => {
    const password = strongPassword();
    const user = await userWithPassword(t.database.db, 'parent', password);
    const attempts = Array.from({ length: 20 }, (_, i) => (i === 15 ? password : `wrong-password-${i}-xyz`));
    const answers = await Promise.all(attempts.map((p) => signIn(user.email, p)));

    expect(answers.map((a) => a.statusCode)).toEqual(attempts.map(() => 401));
    // every refusal is the same answer, whatever its cause (wrong password, locked)
    const errors = new Set(answers.map((a) => JSON.stringify({ ...a.json().error, requestId: undefined })));
    expect([...errors]).toEqual([JSON.stringify({ code: 'unauthenticated', message: 'Invalid email or password' })]);
    // exactly the allowed attempts were evaluated; the others were refused by the lock untried
    expect(await lockState(user.id)).toEqual({ failed_login_count: LOCK_AFTER_FAILURES, locked: true });
    expect((await signIn(user.email, password)).statusCode).toBe(401);
  });

  it('the allowed attempts are all evaluated: the right password among them signs in, whatever order they finish in', async () => {
    const password = strongPassword();
    const user = await userWithPassword(t.database.db, 'parent', password);
    const attempts = Array.from({ length: LOCK_AFTER_FAILURES }, (_, i) => (i === LOCK_AFTER_FAILURES - 1 ? password : `wrong-password-${i}-xyz`));
    const answers = await Promise.all(attempts.map((p) => signIn(user.email, p)));
    expect(answers.map((a) => a.statusCode)).toEqual(attempts.map((p) => (p === password ? 200 : 401)));
    expect((await lockState(user.id)).locked).toBe(false);
    expect((await signIn(user.email, password)).statusCode).toBe(200);
    expect(await lockState(user.id)).toEqual({ failed_login_count: 0, locked: false });
  });
});
