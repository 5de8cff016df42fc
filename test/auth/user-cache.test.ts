import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';

/** The authenticator caches user rows; a change made outside this process must still end access. */
describe('user row cache', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });

  async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return check();
  }

  it('refuses a user deactivated by another process (NOTIFY from the users trigger)', async () => {
    const user = await createUser(t.database.db, 'parent');
    expect((await me(user.headers)).statusCode).toBe(200);
    expect((await me(user.headers)).statusCode).toBe(200);
    await t.database.db.sql.query('UPDATE users SET is_active = false WHERE id = $1', [user.id]);
    expect(await eventually(async () => (await me(user.headers)).statusCode === 401)).toBe(true);
  });

  it('sees a role changed by another process', async () => {
    const user = await createUser(t.database.db, 'parent');
    const listUsers = () => t.app.inject({ method: 'GET', url: '/api/v1/users', headers: user.headers });
    expect((await listUsers()).statusCode).toBe(403);
    await t.database.db.sql.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [user.id]);
    expect(await eventually(async () => (await listUsers()).statusCode === 200)).toBe(true);
  });

  it('does not notify for changes that do not touch authentication (last login)', async () => {
    const user = await createUser(t.database.db, 'teacher');
    expect((await me(user.headers)).statusCode).toBe(200);
    await t.database.db.sql.query('UPDATE users SET last_login_at = now() WHERE id = $1', [user.id]);
    expect((await me(user.headers)).statusCode).toBe(200);
  });
});
