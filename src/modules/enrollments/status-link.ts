/**
 * The signed status link: lets a family follow its enrollment without an account
 * (`GET /api/v1/enrollments/{id}/status?token=…`), as the waitlisted, rejected and promoted mails
 * link to it. The token is `<expiry, epoch seconds>.<HMAC-SHA256 of "enrollment-status:<id>:<expiry>">`
 * (base64url), keyed by a key derived from the school's signing secret (SchoolServices.signingSecret),
 * so it names one enrollment, cannot be forged or extended, and stops working after
 * STATUS_LINK_TTL_DAYS. Nothing is stored; rotating JWT_SECRET ends every link.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { statusUrlOf } from './schemas.js';

/** How long a mailed status link works, in days. */
export const STATUS_LINK_TTL_DAYS = 30;
const TTL_SECONDS = STATUS_LINK_TTL_DAYS * 86_400;

/** The link key: its own purpose, never the JWT secret itself. */
const keyOf = (secret: string): Buffer => createHmac('sha256', secret).update('cedar-heights/enrollment-status-link').digest();

const macOf = (secret: string, enrollmentId: number, expires: number): string =>
  createHmac('sha256', keyOf(secret)).update(`enrollment-status:${enrollmentId}:${expires}`).digest('base64url');

/** A token for `enrollmentId`, valid STATUS_LINK_TTL_DAYS from `now` (epoch ms). */
export function signStatusToken(secret: string, enrollmentId: number, now: number = Date.now()): string {
  const expires = Math.floor(now / 1000) + TTL_SECONDS;
  return `${expires}.${macOf(secret, enrollmentId, expires)}`;
}

/** Whether `token` was signed for `enrollmentId` and has not expired at `now` (epoch ms). */
export function verifyStatusToken(secret: string, enrollmentId: number, token: string, now: number = Date.now()): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const expires = Number(match[1]);
  if (expires * 1000 <= now) return false;
  const expected = Buffer.from(macOf(secret, enrollmentId, expires));
  const given = Buffer.from(match[2]!);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The full link for an e-mail: the web front end's base URL + the API status path + the token. */
export function statusLinkOf(publicAppUrl: string, secret: string, enrollmentId: number, now?: number): string {
  return `${publicAppUrl}${statusUrlOf(enrollmentId)}?token=${signStatusToken(secret, enrollmentId, now)}`;
}
