import type { paths } from '../../../api/schema';

/** A teacher's profile as `GET /teachers/{id}` answers it: weekly hours and upcoming time off included. */
export type TeacherDetail = paths['/api/v1/teachers/{id}']['get']['responses'][200]['content']['application/json'];
/** One block of weekly hours: ISO weekday (1 = Monday) and local "HH:MM" times. */
export type WeeklyBlock = TeacherDetail['weeklyHours'][number];
