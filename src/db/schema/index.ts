// Drizzle table definitions, one file per domain table group, mirroring migrations/*.sql
// (the SQL is the source of truth; CHECK and EXCLUDE constraints exist only there). The payment,
// billing and simulated-gateway tables have none: only the payments module's SQL uses them (their
// allowed values: src/modules/payments/values.ts).
export * from './users.js';
export * from './teachers.js';
export * from './students.js';
export * from './lessons.js';
export * from './workflows.js';
export * from './academics.js';
export * from './settings.js';
export * from './messaging.js';
export * from './audit.js';
export * from './relations.js';
export * from './auth.js';
export * from './calendar.js';
export * from './enrollments.js';
export * from './notifications-prefs.js';
