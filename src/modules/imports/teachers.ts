/**
 * A teachers row: an account and its teacher profile, matched by e-mail. New teachers are made by
 * the teachers module (createTeacher: the API's rules and audit rows); an existing one gets the
 * profile changes the file asks for through patchTeacher (the API's PATCH rules: an instrument
 * active students learn cannot be dropped, capacity not below the current load).
 */
import { createTeacherBody } from '../teachers/schemas.js';
import { createTeacher, patchTeacher } from '../teachers/service.js';
import { findTeacher } from '../teachers/queries.js';
import { syncAccount } from './accounts.js';
import { asRowIssues, combine, inviteIfAsked, userByEmail, validateWith, type RowContext, type RowOutcome } from './row-context.js';
import { RowProblem, RowReader } from './values.js';

/** Fields of the API's body → the import's columns. */
const teacherFields = {
  userId: 'email',
  user: 'email',
  'user.email': 'email',
  'user.firstName': 'firstName',
  'user.lastName': 'lastName',
  'user.phone': 'phone',
  instruments: 'instruments',
  hourlyRateCents: 'hourlyRate',
  maxStudents: 'maxStudents',
  isAvailable: 'instruments',
  bio: 'bio',
};

export async function importTeacherRow(ctx: RowContext, values: Readonly<Record<string, string>>): Promise<RowOutcome> {
  const r = new RowReader(values);
  const account = {
    email: r.email('email', { required: true }),
    firstName: r.text('firstName', { required: true }),
    lastName: r.text('lastName', { required: true }),
    phone: r.text('phone', { max: 40 }),
  };
  const profile = {
    instruments: r.list('instruments', { required: true }),
    hourlyRateCents: r.money('hourlyRate', { required: true }),
    maxStudents: r.integer('maxStudents'),
    bio: r.text('bio', { max: 2000 }),
  };
  r.done();
  const body = validateWith(createTeacherBody, { user: account, ...profile }, teacherFields, 'email');
  const user = body.user!;
  const email = user.email.toLowerCase();
  const { instruments, timezone } = ctx.settings;

  const existing = await userByEmail(ctx, email);
  if (!existing) {
    const created = await asRowIssues(teacherFields, 'email', () => createTeacher(ctx.tx.orm, ctx.actor, body, instruments, timezone));
    await inviteIfAsked(ctx, { id: created.userId!, email, firstName: user.firstName });
    return 'created';
  }
  if (existing.role !== 'teacher') throw new RowProblem([{ field: 'email', message: `belongs to a ${existing.role} account, not a teacher` }]);
  if (!existing.is_active) throw new RowProblem([{ field: 'email', message: 'belongs to a deactivated teacher; reactivate the account first' }]);
  const [teacher] = await ctx.tx.sql.query<{ id: number }>('SELECT id FROM teachers WHERE user_id = $1', [existing.id]);
  if (!teacher) {
    const { user: _user, ...profileBody } = body;
    await asRowIssues(teacherFields, 'email', () => createTeacher(ctx.tx.orm, ctx.actor, { ...profileBody, userId: existing.id }, instruments, timezone));
    return 'created';
  }
  const accountOutcome = await syncAccount(ctx, 'teacher', existing, { email, firstName: user.firstName, lastName: user.lastName, phone: user.phone ?? undefined });
  const id = Number(teacher.id);
  const current = (await findTeacher(ctx.tx.orm, id)).teacher;
  const sameInstruments = current.instruments.length === body.instruments.length && body.instruments.every((name) => current.instruments.includes(name));
  const patch = {
    ...(sameInstruments ? {} : { instruments: body.instruments }),
    ...(current.hourlyRateCents === body.hourlyRateCents ? {} : { hourlyRateCents: body.hourlyRateCents }),
    ...(body.maxStudents === undefined || current.maxStudents === body.maxStudents ? {} : { maxStudents: body.maxStudents }),
    ...(body.bio === undefined || current.bio === body.bio ? {} : { bio: body.bio }),
  };
  if (Object.keys(patch).length === 0) return accountOutcome;
  await asRowIssues(teacherFields, 'instruments', () => patchTeacher(ctx.tx.orm, ctx.admin, ctx.actor, id, patch, instruments, timezone));
  return combine(accountOutcome, 'updated');
}
