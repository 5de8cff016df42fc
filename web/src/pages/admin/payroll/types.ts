import type { paths } from '../../../api/schema';

/** A payroll run as GET /api/v1/payroll/runs/{id} answers: totals per teacher, lines and adjustments. */
export type RunDetail = paths['/api/v1/payroll/runs/{id}']['get']['responses'][200]['content']['application/json'];

/** Dollars as typed (`25`, `-10.50`) as integer cents; what is not a number is sent as it is, for the server to name. */
export const centsOf = (dollars: string): number => Math.round(Number(dollars.trim()) * 100);

/** Why a line pays, as the office reads it. */
export const reasonText: Record<RunDetail['lines'][number]['reason'], string> = {
  taught: 'taught',
  substitute: 'taught as substitute',
  no_show: 'student no-show',
  late_cancellation: 'late cancellation',
};
