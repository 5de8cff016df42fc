/**
 * The signed download link of an export, mailed to the requester:
 * `GET /api/v1/privacy/exports/{id}/download?token=<expiry, epoch seconds>.<HMAC-SHA256>` over
 * "privacy-export:<id>:<expiry>", keyed by a key derived from the school's signing secret
 * (SchoolServices.signingSecret) for this purpose only. It names one export, cannot be forged or
 * extended, and expires with the export (EXPORT_TTL_DAYS). Nothing is stored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long an export can be downloaded after it was made, in days; then the archive is deleted. */
export const EXPORT_TTL_DAYS = 7;
export const EXPORT_TTL_MS = EXPORT_TTL_DAYS * 86_400_000;

const keyOf = (secret: string): Buffer => createHmac('sha256', secret).update('cedar-heights/privacy-export-link').digest();
const macOf = (secret: string, exportId: number, expires: number): string =>
  createHmac('sha256', keyOf(secret)).update(`privacy-export:${exportId}:${expires}`).digest('base64url');

/** A token for export `exportId`, valid until `expiresAt` (whole seconds). */
export function signExportToken(secret: string, exportId: number, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${expires}.${macOf(secret, exportId, expires)}`;
}

/** `valid`; `expired` (signed by us for this export, but past its time); `invalid` (anything else). */
export function checkExportToken(secret: string, exportId: number, token: string, now: number = Date.now()): 'valid' | 'expired' | 'invalid' {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return 'invalid';
  const expires = Number(match[1]);
  const expected = Buffer.from(macOf(secret, exportId, expires));
  const given = Buffer.from(match[2]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return expires * 1000 <= now ? 'expired' : 'valid';
}

/** The API path of an export's status. */
export const exportStatusUrl = (exportId: number): string => `/api/v1/privacy/exports/${exportId}`;
/** The API path of an export's download. */
export const exportDownloadUrl = (exportId: number): string => `${exportStatusUrl(exportId)}/download`;

/** The full link for the e-mail: the web front end's base URL + the download path + the token. */
export function exportLinkOf(publicAppUrl: string, secret: string, exportId: number, expiresAt: Date): string {
  return `${publicAppUrl}${exportDownloadUrl(exportId)}?token=${signExportToken(secret, exportId, expiresAt)}`;
}
