import { attendanceReport } from './attendance.js';
import { enrollmentFunnelReport } from './enrollment-funnel.js';
import { makeupCreditsReport } from './makeup-credits.js';
import { receivablesReport } from './receivables.js';
import { retentionReport } from './retention.js';
import { revenueReport } from './revenue.js';
import type { ReportDefinition } from './types.js';
import { utilisationReport } from './utilisation.js';

/** Every report, by the name in GET /api/v1/reports/{report}. */
export const reports: ReadonlyMap<string, ReportDefinition> = new Map(
  [revenueReport, receivablesReport, retentionReport, attendanceReport, utilisationReport, enrollmentFunnelReport, makeupCreditsReport].map((r) => [r.name, r]),
);
