import type { paths } from '../../../api/schema';

/** One follow-up task as the API answers it. */
export type Task = paths['/api/v1/tasks/{id}']['get']['responses'][200]['content']['application/json'];
export type TaskStatus = Task['status'];
export const taskStatuses: readonly TaskStatus[] = ['open', 'done', 'cancelled'];

/** Today (YYYY-MM-DD) in `timeZone`: a task due before it is overdue. */
export const todayIn = (timeZone: string): string => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
