/**
 * Channel preferences and the delivery plan of one notification: which channels it goes out on,
 * to which address, and why the others are skipped.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { PermanentError } from '../../engine/index.js';
import { maySendSms } from '../consents/store.js';
import { channels as allChannels, type Channel, type NotificationRequest } from './types.js';

/** Channels a user accepts. */
export interface ChannelPreferences {
  email: boolean;
  sms: boolean;
  inApp: boolean;
}

export interface StoredPreferences extends ChannelPreferences {
  /** Whether the user has a phone number (SMS needs one). */
  hasPhone: boolean;
  /** False while the user has never saved preferences (the defaults apply). */
  customised: boolean;
}

/** Defaults for a user without a row: e-mail and in-app on, SMS only with a phone number. */
export const defaultPreferences = (hasPhone: boolean): ChannelPreferences => ({ email: true, sms: hasPhone, inApp: true });

/** The user's preferences (stored, or the defaults); undefined when the user does not exist. */
export async function preferencesOf(sql: SqlExecutor, userId: number): Promise<StoredPreferences | undefined> {
  const [row] = await sql.query<{ phone: string | null; email: boolean | null; sms: boolean | null; in_app: boolean | null }>(
    `SELECT u.phone, p.email, p.sms, p.in_app
     FROM users u LEFT JOIN notification_preferences p ON p.user_id = u.id WHERE u.id = $1`,
    [userId],
  );
  if (!row) return undefined;
  const hasPhone = Boolean(row.phone?.trim());
  if (row.email === null || row.sms === null || row.in_app === null) return { ...defaultPreferences(hasPhone), hasPhone, customised: false };
  return { email: row.email, sms: row.sms, inApp: row.in_app, hasPhone, customised: true };
}

/** Stores the user's preferences (insert or update). */
export async function savePreferences(sql: SqlExecutor, userId: number, prefs: ChannelPreferences): Promise<void> {
  await sql.query(
    `INSERT INTO notification_preferences (user_id, email, sms, in_app) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, sms = EXCLUDED.sms, in_app = EXCLUDED.in_app`,
    [userId, prefs.email, prefs.sms, prefs.inApp],
  );
}

/** One channel of a plan: send to `to`, or skip for `reason`. */
export type ChannelPlan = { send: true; to: string } | { send: false; reason: string };

/** Output of the `determine_channels` node. */
export interface DeliveryPlan {
  userId: number | null;
  recipientName: string;
  channels: Record<Channel, ChannelPlan>;
}

const skip = (reason: string): ChannelPlan => ({ send: false, reason });

/** An SMS planned for a user goes only with their `sms` consent in force (skipped as `no SMS consent`). */
async function withSmsConsent(sql: SqlExecutor, userId: number, plan: ChannelPlan): Promise<ChannelPlan> {
  return plan.send && !(await maySendSms(sql, userId)) ? skip('no SMS consent') : plan;
}

/**
 * The plan for `request`: the request's channels (default all), kept when the recipient accepts
 * them and has an address. A user's own addresses are used unless the request overrides them.
 * Throws PermanentError when `userId` names no user.
 */
export async function planDelivery(sql: SqlExecutor, request: NotificationRequest): Promise<DeliveryPlan> {
  const wanted = new Set<Channel>(request.channels ?? allChannels);
  const pick = (channel: Channel, accepted: boolean, to: string | null | undefined, missing: string): ChannelPlan =>
    !wanted.has(channel) ? skip('not requested') : !accepted ? skip('turned off in preferences') : to ? { send: true, to } : skip(missing);

  if (request.userId === undefined) {
    return {
      userId: null,
      recipientName: request.name ?? 'there',
      channels: {
        email: pick('email', true, request.email, 'no e-mail address'),
        sms: pick('sms', true, request.phone, 'no phone number'),
        in_app: wanted.has('in_app') ? skip('no user account') : skip('not requested'),
      },
    };
  }
  const [user] = await sql.query<{ email: string; phone: string | null; first_name: string; is_active: boolean }>(
    'SELECT email, phone, first_name, is_active FROM users WHERE id = $1',
    [request.userId],
  );
  const prefs = await preferencesOf(sql, request.userId);
  if (!user || !prefs) throw new PermanentError(`user ${request.userId} does not exist`);
  const recipientName = request.name ?? user.first_name;
  if (!user.is_active) {
    const off = skip('recipient deactivated');
    return { userId: request.userId, recipientName, channels: { email: off, sms: off, in_app: off } };
  }
  return {
    userId: request.userId,
    recipientName,
    channels: {
      email: pick('email', prefs.email, request.email ?? user.email, 'no e-mail address'),
      sms: await withSmsConsent(sql, request.userId, pick('sms', prefs.sms, request.phone ?? user.phone, 'no phone number')),
      in_app: pick('in_app', prefs.inApp, String(request.userId), 'no user account'),
    },
  };
}
