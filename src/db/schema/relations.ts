import { relations } from 'drizzle-orm';
import { academicYears, closures, semesters } from './academics.js';
import { auditLog, consents } from './audit.js';
import { lessons, makeupCredits } from './lessons.js';
import { notifications, outbox } from './messaging.js';
import { students } from './students.js';
import { teacherAvailability, teacherTimeOff, teachers } from './teachers.js';
import { users } from './users.js';
import { workflowRuns, workflowSteps } from './workflows.js';

// Relations for Drizzle's relational queries (db.orm.query.x.findMany({ with: … })); no SQL effect.

export const usersRelations = relations(users, ({ one, many }) => ({
  teacher: one(teachers),
  children: many(students),
  notifications: many(notifications),
  consents: many(consents),
}));

export const teachersRelations = relations(teachers, ({ one, many }) => ({
  user: one(users, { fields: [teachers.userId], references: [users.id] }),
  availability: many(teacherAvailability),
  timeOff: many(teacherTimeOff),
  students: many(students),
  lessons: many(lessons),
}));

export const teacherAvailabilityRelations = relations(teacherAvailability, ({ one }) => ({
  teacher: one(teachers, { fields: [teacherAvailability.teacherId], references: [teachers.id] }),
}));

export const teacherTimeOffRelations = relations(teacherTimeOff, ({ one }) => ({
  teacher: one(teachers, { fields: [teacherTimeOff.teacherId], references: [teachers.id] }),
}));

export const studentsRelations = relations(students, ({ one, many }) => ({
  parent: one(users, { fields: [students.parentId], references: [users.id] }),
  teacher: one(teachers, { fields: [students.teacherId], references: [teachers.id] }),
  lessons: many(lessons),
  makeupCredits: many(makeupCredits),
}));

export const lessonsRelations = relations(lessons, ({ one }) => ({
  student: one(students, { fields: [lessons.studentId], references: [students.id] }),
  teacher: one(teachers, { fields: [lessons.teacherId], references: [teachers.id] }),
}));

export const makeupCreditsRelations = relations(makeupCredits, ({ one }) => ({
  student: one(students, { fields: [makeupCredits.studentId], references: [students.id] }),
}));

export const workflowRunsRelations = relations(workflowRuns, ({ many }) => ({
  steps: many(workflowSteps),
}));

export const workflowStepsRelations = relations(workflowSteps, ({ one }) => ({
  run: one(workflowRuns, { fields: [workflowSteps.runId], references: [workflowRuns.id] }),
}));

export const academicYearsRelations = relations(academicYears, ({ many }) => ({
  semesters: many(semesters),
  closures: many(closures),
}));

export const semestersRelations = relations(semesters, ({ one }) => ({
  academicYear: one(academicYears, { fields: [semesters.academicYearId], references: [academicYears.id] }),
}));

export const closuresRelations = relations(closures, ({ one }) => ({
  academicYear: one(academicYears, { fields: [closures.academicYearId], references: [academicYears.id] }),
}));

export const notificationsRelations = relations(notifications, ({ one }) => ({
  user: one(users, { fields: [notifications.userId], references: [users.id] }),
}));

export const outboxRelations = relations(outbox, ({ one }) => ({
  user: one(users, { fields: [outbox.userId], references: [users.id] }),
}));

export const auditLogRelations = relations(auditLog, ({ one }) => ({
  actor: one(users, { fields: [auditLog.actorId], references: [users.id] }),
}));

export const consentsRelations = relations(consents, ({ one }) => ({
  user: one(users, { fields: [consents.userId], references: [users.id] }),
  student: one(students, { fields: [consents.studentId], references: [students.id] }),
}));
