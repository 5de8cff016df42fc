/**
 * What ends a waitlisted enrollment's wait (workflows/waitlist.ts): the WAITLIST_PLACE signal and
 * its payload, sent by the office (promote, decline) or the `waitlist-moves` workflow.
 */
import { z } from 'zod';

/** The signal that ends the wait. */
export const WAITLIST_PLACE = 'waitlist_place';
/** How long an enrollment stays on the waitlist before it ends (rejected, code waitlist_expired), in days. */
export const WAITLIST_MAX_DAYS = 365;
export const WAITLIST_MAX_MS = WAITLIST_MAX_DAYS * 86_400_000;

/** What WAITLIST_PLACE carries. */
export const waitlistAnswer = z.object({
  /** 'admin:<user id>' (the office) or 'waitlist' (the waitlist moved by itself). */
  by: z.string().min(1),
  /** true: a place (promote); false: the office declined the enrollment. */
  approved: z.boolean(),
  /** The office's choice of teacher (promote): preferred by `assign` while free. */
  teacherId: z.number().int().optional(),
  /** Why the office declined. */
  reason: z.string().optional(),
});
export type WaitlistAnswer = z.infer<typeof waitlistAnswer>;
