/**
 * Where a family's personal data lives: one entry per table, read by the anonymiser (anonymise.ts).
 * Add a table here when a feature stores personal data (names, e-mails, phone numbers, free text
 * about a family); the erasure test searches every text and JSON column of the database, so a
 * missing entry fails it.
 *
 * SQL fragments may use these tokens (bound as parameters):
 *   :parent   the parent's user id (integer)        :students  the family's student ids (integer[])
 *   :request  the erasure request id (integer)      :label     'Erased family #<request id>' (text)
 *   :email    the parent's new address 'erased-<parent id>@erased.invalid' (text)
 *   :emails   the family's old e-mail addresses, lower case (text[])
 */
export interface PersonalDataPlace {
  table: string;
  /** The family's rows (a SQL condition). Required with `set` or `remove`. */
  where?: string;
  /** Anonymised values of the family's rows: column → SQL expression. */
  set?: Readonly<Record<string, string>>;
  /** The family's rows are deleted (sessions, feeds: nothing worth keeping). */
  remove?: boolean;
  /**
   * Free-text and JSON columns scrubbed in every row: the family's full names, e-mails and phone
   * numbers become the label; in the family's rows and in rows that mention the family (hold the
   * label), first and last names alone too.
   */
  scrub?: readonly string[];
  /** Kept by law (tax records, six years in Canada): amounts untouched, personal text scrubbed. */
  financial?: true;
}

const familyConversations = 'SELECT id FROM conversations WHERE parent_id = :parent OR student_id = ANY(:students)';
const erasedJson = `CASE WHEN {c} IS NULL THEN NULL ELSE jsonb_build_object('erased', :label) END`;
const wipeJson = (column: string): string => erasedJson.replace('{c}', column);

export const personalDataPlaces: readonly PersonalDataPlace[] = [
  {
    table: 'users',
    where: 'id = :parent',
    set: { first_name: `'Erased'`, last_name: `'family #' || :request`, email: ':email', phone: 'NULL', password_hash: 'NULL', supabase_user_id: 'NULL' },
  },
  {
    table: 'students',
    where: 'parent_id = :parent',
    set: { first_name: `'Erased'`, last_name: `'student #' || id`, email: 'NULL', notes: 'NULL', date_of_birth: `date_trunc('year', date_of_birth)::date` },
    scrub: ['notes'],
  },
  {
    table: 'lessons',
    where: 'student_id = ANY(:students)',
    set: { notes: 'NULL', private_notes: 'NULL', cancellation_reason: 'NULL' },
    scrub: ['notes', 'private_notes', 'cancellation_reason'],
  },
  { table: 'makeup_credits', scrub: ['reason'] },
  // A child's progress (goals, pieces, exams) is theirs alone and no law asks to keep it.
  { table: 'student_goals', where: 'student_id = ANY(:students)', remove: true },
  { table: 'student_pieces', where: 'student_id = ANY(:students)', remove: true },
  { table: 'student_assessments', where: 'student_id = ANY(:students)', remove: true },
  // Progress reports (drafts, the text sent, the office's flags) are the child's progress too.
  { table: 'progress_reports', where: 'student_id = ANY(:students) OR parent_id = :parent', remove: true },
  { table: 'notifications', where: 'user_id = :parent', set: { title: `'Erased'`, body: 'NULL', data: `'{}'::jsonb` }, scrub: ['title', 'body', 'data'] },
  {
    table: 'outbox',
    where: 'user_id = :parent OR lower(recipient) = ANY(:emails)',
    set: {
      recipient: ':email',
      subject: 'NULL',
      body_text: 'NULL',
      body_html: 'NULL',
      status: `CASE WHEN status IN ('pending', 'sending') THEN 'failed' ELSE status END`,
      last_error: `CASE WHEN status IN ('pending', 'sending') THEN 'recipient erased' ELSE last_error END`,
    },
    scrub: ['recipient', 'subject', 'body_text', 'body_html', 'last_error'],
  },
  {
    table: 'audit_log',
    where: `(entity = 'user' AND entity_id = :parent::text) OR (entity = 'student' AND entity_id IN (SELECT s::text FROM unnest(:students) s))
            OR (entity = 'lesson' AND entity_id IN (SELECT id::text FROM lessons WHERE student_id = ANY(:students)))
            OR (entity = 'enrollment' AND entity_id IN (SELECT id::text FROM enrollments WHERE parent_id = :parent OR student_id = ANY(:students)))`,
    set: { before: wipeJson('before'), after: wipeJson('after') },
    scrub: ['before', 'after'],
  },
  { table: 'conversation_messages', where: `conversation_id IN (${familyConversations})`, set: { body: `'[erased]'` }, scrub: ['body'] },
  { table: 'conversations', where: 'parent_id = :parent OR student_id = ANY(:students)', set: { subject: `'Erased'` }, scrub: ['subject'] },
  {
    table: 'enrollments',
    where: 'parent_id = :parent OR student_id = ANY(:students) OR lower(parent_email) = ANY(:emails)',
    set: { parent_email: ':email', student_first_name: `'Erased'`, student_last_name: `'student'`, submission: `jsonb_build_object('erased', :label)` },
    scrub: ['submission', 'errors'],
  },
  { table: 'consents', where: 'user_id = :parent', set: { ip: 'NULL' } },
  { table: 'refresh_tokens', where: 'user_id = :parent', remove: true },
  // An export's zip is a copy of everything erased: it goes.
  { table: 'privacy_exports', where: 'user_id = :parent', remove: true },
  {
    table: 'approvals',
    where: 'parent_id = :parent OR student_id = ANY(:students)',
    set: { title: `'Erased family #' || :request`, draft: wipeJson('draft'), shared: wipeJson('shared'), edits: wipeJson('edits'), decision_reason: 'NULL' },
    scrub: ['title', 'draft', 'shared', 'edits', 'decision_reason'],
  },
  {
    table: 'tasks',
    where: 'user_id = :parent OR student_id = ANY(:students)',
    set: { title: `'Follow-up about erased family #' || :request`, details: `''` },
    scrub: ['title', 'details'],
  },
  { table: 'imports', scrub: ['file_name', 'row_errors'] },
  { table: 'schedule_reviews', scrub: ['figures', 'summary', 'suggestions', 'shared'] },
  { table: 'password_reset_tokens', where: 'user_id = :parent', remove: true },
  { table: 'calendar_feeds', where: 'parent_id = :parent', remove: true },
  { table: 'ai_calls', scrub: ['result', 'error'] },
  { table: 'family_flags', scrub: ['reason'] },
  { table: 'late_fees', scrub: ['waive_reason'] },
  { table: 'teacher_time_off', scrub: ['reason'] },
  { table: 'webhook_events', scrub: ['last_error'] },
  { table: 'payment_attempts', scrub: ['failure_message'] },
  { table: 'erasure_requests', scrub: ['reason', 'override_reason', 'rejection_reason'] },
  { table: 'payments', financial: true, scrub: ['description', 'reference', 'failure_reason'] },
  { table: 'ledger_entries', financial: true, scrub: ['description'] },
];
