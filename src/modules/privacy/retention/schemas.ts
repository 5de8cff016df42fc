import { z } from 'zod';
import { objectOfKnownKeys } from '../../../http/known-keys.js';
import { retentionDays, settingSchemas } from '../../settings/schemas.js';

/** GET/PUT answer: the periods in days per data class. */
export const retentionPeriods = settingSchemas.retention;

/** PUT body: any of the periods (the others keep their value). */
export const putRetentionBody = objectOfKnownKeys(
  {
    outboxBodies: retentionDays.optional(),
    notifications: retentionDays.optional(),
    workflowStepOutputs: retentionDays.optional(),
    auditRows: retentionDays.optional(),
    rejectedEnrollmentForms: retentionDays.optional(),
    inactiveFamilies: retentionDays.optional(),
    aiCallLogs: retentionDays.optional(),
  },
  'a data class of the retention setting',
).refine((body) => Object.values(body).some((v) => v !== undefined), { error: 'must name at least one data class' });

export const runQuery = z.object({
  dryRun: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false').describe('true: count what would go, change nothing'),
});

export const retentionReport = z.object({
  dryRun: z.boolean(),
  ranAt: z.string(),
  classes: z.array(
    z.object({
      dataClass: z.string(),
      days: z.number().int(),
      cutoff: z.string(),
      rows: z.number().int(),
      action: z.enum(['deleted', 'blanked', 'cleared', 'anonymised', 'counted']),
    }),
  ),
});
