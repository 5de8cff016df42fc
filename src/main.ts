#!/usr/bin/env node
import { CommandError } from './command-error.js';
import { ConfigError, loadConfig } from './config.js';
import { announceGeneratedAdmin, prepareDatabase } from './runtime/database.js';
import { resolveJwtSecret } from './runtime/secrets.js';

// The HTTP app and the workflow engine are imported by the commands that use them, so `migrate` and
// `seed` do not load them and `serve` loads them while its database opens.

const usage = `Usage: cedar-heights <command>

Commands:
  serve     migrate, seed and start the HTTP server with an embedded workflow worker (default)
  worker    run a standalone workflow worker (needs DATABASE_URL; WORKER_CONCURRENCY jobs at once)
  migrate   apply pending database migrations and exit
  seed      apply migrations, ensure the admin, settings and (SEED_DEMO) demo school, and exit
  backup    write a verified backup of the database to BACKUP_DIR (default ./backups)
  restore   restore FILE [--force]: replace the database with a backup (stop servers first)
  import    import FILE [--kind families|teachers|weekly-hours] [--dry-run] [--invite]: a CSV file (README "Importing")
  demo-remove  remove the demo school's records (npm run demo:remove); the demo never comes back
  help      show this text

Configuration comes from environment variables; see README.md.`;

async function run(command: string): Promise<void> {
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      const jwtSecret = await resolveJwtSecret(config);
      const database = prepareDatabase(config, { seed: true });
      database.catch(() => undefined); // a failure is thrown where serve awaits it, not reported as unhandled first
      try {
        const { serve } = await import('./runtime/serve.js');
        return await serve(config, { jwtSecret, database });
      } catch (error) {
        // Exiting while an embedded database is being created would leave a half-made data directory.
        await database.catch(() => undefined);
        throw error;
      }
    }
    case 'worker': {
      const { work } = await import('./runtime/worker.js');
      return work(config);
    }
    case 'migrate': {
      const { db, migrationsApplied } = await prepareDatabase(config, { seed: false });
      await db.close();
      process.stdout.write(migrationsApplied.length ? `Applied ${migrationsApplied.join(', ')}\n` : 'Database is up to date\n');
      return;
    }
    case 'seed': {
      const { db, generatedAdminPassword } = await prepareDatabase(config, { seed: true });
      await db.close();
      process.stdout.write('Seed complete\n');
      announceGeneratedAdmin(config.admin.email, generatedAdminPassword);
      return;
    }
    case 'backup':
    case 'restore': {
      const { backupCommand, restoreCommand } = await import('./modules/backups/cli.js');
      const lines = command === 'backup' ? await backupCommand(config) : await restoreCommand(config, process.argv.slice(3));
      process.stdout.write(`${lines.join('\n')}\n`);
      return;
    }
    case 'import': {
      const { db } = await prepareDatabase(config, { seed: false });
      try {
        const { importCommand } = await import('./modules/imports/cli.js');
        const lines = await importCommand(db, config, process.argv.slice(3));
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await db.close();
      }
      return;
    }
    case 'demo-remove': {
      const { db } = await prepareDatabase(config, { seed: false });
      try {
        const { removeDemoFromCli } = await import('./runtime/demo-remove.js');
        process.exitCode = await removeDemoFromCli(db);
      } finally {
        await db.close();
      }
      return;
    }
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

class UsageError extends Error {}

run(process.argv[2] ?? 'serve').catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof CommandError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${usage}\n`);
  } else {
    process.stderr.write(`Fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
