import type { AppConfig } from '../config.js';
import { openDatabase, type Database } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { seedDatabase } from '../seed/index.js';

export interface PreparedDatabase {
  db: Database;
  migrationsApplied: string[];
  /** Set only on the start that created the admin without ADMIN_PASSWORD; print it once. */
  generatedAdminPassword: string | undefined;
}

/** Opens the configured database, applies pending migrations and ensures the seed. */
export async function prepareDatabase(config: AppConfig, options: { seed: boolean }): Promise<PreparedDatabase> {
  const db = await openDatabase(config.database);
  try {
    const { applied } = await migrate(db.sql);
    let generatedAdminPassword: string | undefined;
    if (options.seed) {
      const result = await seedDatabase(db, {
        adminEmail: config.admin.email,
        adminPassword: config.admin.password,
        timezone: config.schoolTimezone,
        demo: config.seedDemo,
      });
      generatedAdminPassword = result.generatedAdminPassword;
    }
    return { db, migrationsApplied: applied, generatedAdminPassword };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** Prints the generated first-admin password once, where the operator will see it. */
export function announceGeneratedAdmin(email: string, password: string | undefined): void {
  if (!password) return;
  const lines = [
    'First admin account created.',
    `  email:    ${email}`,
    `  password: ${password}`,
    'This password is shown only once: sign in and change it, or set ADMIN_PASSWORD.',
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}
