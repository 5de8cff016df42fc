import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type AppConfig } from '../config.js';

const SECRET_FILE = 'jwt-secret';

/**
 * The JWT signing secret: JWT_SECRET when set; in embedded mode otherwise a random secret generated
 * once and kept in `<DATA_DIR>/jwt-secret` (mode 0600) so tokens survive restarts.
 * With DATABASE_URL, several processes must share one secret, so JWT_SECRET is required.
 */
export async function resolveJwtSecret(config: AppConfig): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  if (config.database.kind === 'postgres') {
    throw new ConfigError('JWT_SECRET', 'is required when DATABASE_URL is set (every process must share it)');
  }
  if (config.dataDir === 'memory://') return randomBytes(48).toString('base64url');
  const file = path.resolve(config.dataDir, SECRET_FILE);
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(48).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'w' });
  return secret;
}
