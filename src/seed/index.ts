import { randomBytes } from 'node:crypto';
import { hashPassword } from '../modules/auth/passwords.js';
import type { Database } from '../db/client.js';
import { insertDemoSchool } from './demo.js';
import { DEMO_MARKER_KEY, defaultSettings } from '../modules/settings/defaults.js';
import type { SqlExecutor } from '../db/sql-client.js';

export { DEMO_PASSWORD } from './demo-data.js';

export interface SeedOptions {
  /** E-mail of the first admin (stored lower case). */
  adminEmail: string;
  /** Password for a newly created admin; when undefined a random one is generated and returned. */
  adminPassword?: string | undefined;
  /** IANA zone of the school, written to the `school` and `timezone` settings. */
  timezone: string;
  /** Seed the demo school (teachers, families, calendar, lessons) when the school is empty. */
  demo: boolean;
}

export interface SeedResult {
  /** True when this call created the admin user. */
  adminCreated: boolean;
  /** The generated password of a just-created admin (no ADMIN_PASSWORD given); print it once. */
  generatedAdminPassword?: string;
  /** True when this call inserted the demo school. */
  demoSeeded: boolean;
}

/** Serialises concurrent seeders (serve and worker starting together); see also migrate.ts. */
const SEED_LOCK_KEY = 727_364_002;

/** 18 random bytes → 24 URL-safe characters (144 bits). */
const generatePassword = (): string => randomBytes(18).toString('base64url');

/**
 * Ensures the first admin, the default settings and (optionally) the demo school, in one
 * transaction. Idempotent: an existing admin keeps its password, existing settings keep their
 * values, and demo data is inserted only into an empty school that was never demo-seeded.
 * An existing user with the admin e-mail is left as it is, whatever its role.
 */
export async function seedDatabase(db: Database, options: SeedOptions): Promise<SeedResult> {
  const email = options.adminEmail.trim().toLowerCase();
  if (options.adminPassword === '') throw new Error('seed: the admin password must not be empty');
  return db.sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const result: SeedResult = { adminCreated: false, demoSeeded: false };

    const [existing] = await tx.query<{ id: number }>('SELECT id FROM users WHERE lower(email) = $1', [email]);
    if (!existing) {
      const password = options.adminPassword ?? generatePassword();
      const created = await tx.query<{ id: number }>(
        `INSERT INTO users (email, password_hash, first_name, last_name, role)
         VALUES ($1, $2, 'School', 'Administrator', 'admin')
         ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`,
        [email, await hashPassword(password)],
      );
      result.adminCreated = created.length === 1;
      if (result.adminCreated && options.adminPassword === undefined) result.generatedAdminPassword = password;
    }

    await insertMissingSettings(tx, defaultSettings({ timezone: options.timezone, email }));

    if (options.demo && (await schoolIsEmpty(tx))) {
      await insertDemoSchool(tx, { timezone: options.timezone });
      await tx.query(`INSERT INTO settings (key, value) VALUES ($1, to_jsonb(now())) ON CONFLICT (key) DO NOTHING`, [DEMO_MARKER_KEY]);
      result.demoSeeded = true;
    }
    return result;
  });
}

/** Inserts each setting that does not exist yet; never overwrites. */
async function insertMissingSettings(tx: SqlExecutor, values: object): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await tx.query('INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING', [key, JSON.stringify(value)]);
  }
}

/** No teachers, no students, and never demo-seeded before. */
async function schoolIsEmpty(tx: SqlExecutor): Promise<boolean> {
  const [row] = await tx.query<{ empty: boolean }>(
    `SELECT NOT EXISTS (SELECT 1 FROM teachers)
        AND NOT EXISTS (SELECT 1 FROM students)
        AND NOT EXISTS (SELECT 1 FROM settings WHERE key = $1) AS empty`,
    [DEMO_MARKER_KEY],
  );
  return row?.empty === true;
}
