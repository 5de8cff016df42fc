import type { paths } from '../../../api/schema';

type Json<T> = T extends { responses: { 200: { content: { 'application/json': infer R } } } } ? R : never;

/** The answer of `GET /students/{id}/progress`: summary and timeline. */
export type Progress = Json<paths['/api/v1/students/{id}/progress']['get']>;
export type TimelineEntry = Progress['data'][number];
export type Goal = Json<paths['/api/v1/students/{id}/goals']['get']>['data'][number];
export type Piece = Json<paths['/api/v1/students/{id}/repertoire']['get']>['data'][number];
export type Assessment = Json<paths['/api/v1/students/{id}/assessments']['get']>['data'][number];

export const goalStatuses = ['active', 'achieved', 'dropped'] as const satisfies readonly Goal['status'][];
export const pieceStatuses = ['learning', 'polishing', 'performed'] as const satisfies readonly Piece['status'][];
export const examBodies = ['RCM', 'ABRSM', 'Conservatory Canada', 'Trinity', 'other'] as const satisfies readonly Assessment['examBody'][];
export const assessmentResults = ['pending', 'pass', 'merit', 'honours', 'first_class_honours', 'distinction', 'fail'] as const satisfies readonly Assessment['result'][];

/** A result or status as words: `first_class_honours` → `first class honours`. */
export const words = (value: string): string => value.replaceAll('_', ' ');

/** The query keys of one student's progress: every change refreshes them all (the timeline too). */
export const progressKey = (studentId: number) => ['progress', studentId] as const;
