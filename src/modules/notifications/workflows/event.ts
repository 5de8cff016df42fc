/**
 * The event of the `notification` workflow: NotificationRequest (types.ts) as a Zod schema. The
 * template's data is checked too, so a request with a missing variable is refused when the run
 * is started (EventValidationError naming `data.<field>`) instead of rendering a blank.
 */
import { z } from 'zod';
import { parseTemplateData, TemplateDataError } from '../render.js';
import { channels, templateNames, type NotificationRequest } from '../types.js';

const flatValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const notificationEvent = z
  .object({
    userId: z.number().int().min(1).optional(),
    email: z.email().optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +19025550100')
      .optional(),
    name: z.string().trim().min(1).max(200).optional(),
    template: z.enum(templateNames),
    data: z.record(z.string(), flatValue),
    channels: z.array(z.enum(channels)).min(1).optional(),
  })
  .superRefine((request, ctx) => {
    if (request.userId === undefined && request.email === undefined && request.phone === undefined) {
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'give userId, email or phone' });
    }
    try {
      parseTemplateData(request.template, request.data);
    } catch (error) {
      if (!(error instanceof TemplateDataError)) throw error;
      for (const issue of error.issues) ctx.addIssue({ code: 'custom', path: issue.field.split('.'), message: issue.message });
    }
  });

// The schema and the contract of types.ts must describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.output<typeof notificationEvent>, NotificationRequest> = true;
void sameShape;
