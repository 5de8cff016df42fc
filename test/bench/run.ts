import { benchAiWorkflows, printAiWorkflows } from './ai-workflows.js';
import { benchAuth, printAuth } from './auth.js';
import { benchEngineDurable, printEngineDurable } from './engine-durable.js';
import { benchEngineMemory, printEngineMemory } from './engine-memory.js';
import { benchEnrollment, printEnrollment } from './enrollment.js';
import { benchImport, printImport } from './import.js';
import { benchPayments, printPayments } from './payments.js';
import { benchReports, printReports } from './reports.js';
import { benchSchool, printSchool } from './school.js';
import { benchStartup, printStartup } from './startup.js';

/**
 * `npm run bench`: every benchmark, figures printed as Markdown tables.
 * BENCH_ONLY=engine,durable,startup,auth,school,payments,enrollment,reports,import,ai runs a subset. PostgreSQL: BENCH_DATABASE_URL (default local server).
 */
const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const wanted = (name: string): boolean => only.length === 0 || only.includes(name);

if (wanted('engine')) printEngineMemory(await benchEngineMemory());
if (wanted('durable')) printEngineDurable(await benchEngineDurable());
if (wanted('startup')) printStartup(await benchStartup());
if (wanted('school')) printSchool(await benchSchool());
if (wanted('auth')) printAuth(await benchAuth());
if (wanted('enrollment')) printEnrollment(await benchEnrollment());
if (wanted('payments')) printPayments(await benchPayments());
if (wanted('reports')) printReports(await benchReports());
if (wanted('ai')) printAiWorkflows(await benchAiWorkflows());

if (wanted('import')) printImport(await benchImport());
