import type { paths } from '../api/schema';

/** The signed-in user as `GET /auth/me` answers it. */
export type Me = paths['/api/v1/auth/me']['get']['responses'][200]['content']['application/json'];
/** One lesson as the lesson list answers it. */
export type Lesson = paths['/api/v1/lessons']['get']['responses'][200]['content']['application/json']['data'][number];
/** What the enrollment workflow did, as `POST /enrollments` answers it. */
export type EnrollmentStatus = paths['/api/v1/enrollments']['post']['responses'][200]['content']['application/json'];
/** A family's billing overview (`GET /billing/{parentId}`). */
export type Billing = paths['/api/v1/billing/{parentId}']['get']['responses'][200]['content']['application/json'];
/** One free slot of a teacher. */
export type Slot = paths['/api/v1/teachers/{id}/availability']['get']['responses'][200]['content']['application/json']['slots'][number];
/** One make-up credit. */
export type Credit = paths['/api/v1/makeup-credits']['get']['responses'][200]['content']['application/json']['data'][number];
/** One conversation as the list answers it. */
export type Conversation = paths['/api/v1/messages']['get']['responses'][200]['content']['application/json']['data'][number];
