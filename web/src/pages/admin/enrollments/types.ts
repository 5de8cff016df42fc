import type { paths } from '../../../api/schema';

/** One enrollment as `GET /enrollments` lists it. */
export type EnrollmentRow = paths['/api/v1/enrollments']['get']['responses'][200]['content']['application/json']['data'][number];
/** An enrollment's status, as the list filter takes it. */
export type EnrollmentState = EnrollmentRow['status'];
/** One waitlisted enrollment as `GET /waitlist` answers it, in line order. */
export type WaitlistEntry = paths['/api/v1/waitlist']['get']['responses'][200]['content']['application/json']['data'][number];

/** The statuses the list can be filtered by, with how the page names them. */
export const enrollmentStates: { value: EnrollmentState; label: string }[] = [
  { value: 'awaiting_confirmation', label: 'Awaiting confirmation' },
  { value: 'pending', label: 'Pending' },
  { value: 'running', label: 'Running' },
  { value: 'waitlisted', label: 'Waitlisted' },
  { value: 'completed', label: 'Completed' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'failed', label: 'Failed' },
];
