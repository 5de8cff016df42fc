import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';

/**
 * Password hashing with argon2id (OWASP's baseline: 19 MiB memory, 2 passes, 1 lane).
 * Hashes are PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash") with a random 16-byte salt,
 * so the parameters travel with each hash and can be raised later (see passwordNeedsRehash).
 */
// Algorithm is an ambient const enum, which verbatimModuleSyntax cannot read: 2 is Algorithm.Argon2id.
const ARGON2ID: Algorithm = 2;
const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Hashes a plain-text password; the result goes in users.password_hash. */
export async function hashPassword(plain: string): Promise<string> {
  return hash(plain, ARGON2_OPTIONS);
}

/**
 * True when `plain` matches `hash`. A missing or malformed hash never matches (false, no throw),
 * so a broken row can only lock its user out, never let anyone in.
 */
export async function verifyPassword(hashed: string | null | undefined, plain: string): Promise<boolean> {
  if (!hashed) return false;
  try {
    return await verify(hashed, plain);
  } catch {
    return false;
  }
}

/** True when a stored hash was made with weaker or different parameters than today's: rehash on next login. */
export function passwordNeedsRehash(hashed: string): boolean {
  try {
    const used = parseOptions(hashed);
    return (
      used.algorithm !== ARGON2_OPTIONS.algorithm ||
      used.memoryCost < ARGON2_OPTIONS.memoryCost ||
      used.timeCost < ARGON2_OPTIONS.timeCost ||
      used.parallelism !== ARGON2_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}
