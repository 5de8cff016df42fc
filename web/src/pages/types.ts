import type { paths } from '../api/schema';

/** The signed-in user as `GET /auth/me` answers it. */
export type Me = paths['/api/v1/auth/me']['get']['responses'][200]['content']['application/json'];
/** One lesson as the lesson list answers it. */
export type Lesson = paths['/api/v1/lessons']['get']['responses'][200]['content']['application/json']['data'][number];
/** What the enrollment workflow did, as `POST /enrollments` answers it. */
export type EnrollmentStatus = paths['/api/v1/enrollments']['post']['responses'][200]['content']['application/json'];
