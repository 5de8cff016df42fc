/** What each channel node returns, and the `track` node's summary of a notification run. */
import { z } from 'zod';
import type { DeliveryOutcome } from '../delivery.js';

/** Output of a channel node: an outbox outcome (e-mail, SMS), an in-app row, or a skip with its reason. */
export type ChannelResult = DeliveryOutcome | { status: 'sent'; notificationId: number } | { status: 'skipped'; reason: string };

export const channelSummarySchema = z.object({
  status: z.enum(['sent', 'kept', 'failed', 'skipped']),
  /** The outbox row (e-mail, SMS). */
  outboxId: z.number().int().nullable(),
  /** The in-app notification. */
  notificationId: z.number().int().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  /** Why a channel was skipped. */
  reason: z.string().nullable(),
});
export type ChannelSummary = z.infer<typeof channelSummarySchema>;

/** Output of `track`: the run's delivery summary. */
export const trackOutput = z.object({
  template: z.string(),
  userId: z.number().int().nullable(),
  channels: z.object({ email: channelSummarySchema, sms: channelSummarySchema, in_app: channelSummarySchema }),
});
export type NotificationSummary = z.infer<typeof trackOutput>;

/** One channel's summary from its node's output (undefined: the node did not run). */
export function channelSummary(result: ChannelResult | undefined): ChannelSummary {
  const base: ChannelSummary = { status: 'skipped', outboxId: null, notificationId: null, attempts: 0, error: null, reason: null };
  if (result === undefined) return { ...base, reason: 'did not run' };
  if (result.status === 'skipped') return { ...base, reason: result.reason };
  if ('notificationId' in result) return { ...base, status: 'sent', notificationId: result.notificationId, attempts: 1 };
  return { ...base, status: result.status, outboxId: result.outboxId, attempts: result.attempts, error: result.error };
}
