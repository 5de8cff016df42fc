import type { paths } from '../../../api/schema';

/** A student as `GET /students/{id}` answers it. */
export type Student = paths['/api/v1/students/{id}']['get']['responses'][200]['content']['application/json'];
/** A student's progress (`GET /students/{id}/progress`): summary and timeline page. */
export type Progress = paths['/api/v1/students/{id}/progress']['get']['responses'][200]['content']['application/json'];
