import type { paths } from '../../api/schema';

/** The consents in force, as `GET /users/{id}/consents` answers them. */
export type Consents = paths['/api/v1/users/{id}/consents']['get']['responses'][200]['content']['application/json'];
export type ConsentKind = keyof Consents;
export type ConsentRecord = NonNullable<Consents[ConsentKind]>;

/** The four consents in the order the page shows them, with what each one allows. */
/** `noun`: the label inside a sentence ("Grant AI processing"). */
export const consentKinds: readonly { kind: ConsentKind; label: string; noun: string; about: string }[] = [
  { kind: 'dataProcessing', label: 'Data processing', noun: 'data processing', about: 'Keeping your family’s records to run lessons and billing.' },
  { kind: 'aiProcessing', label: 'AI processing', noun: 'AI processing', about: 'Letting an AI provider draft messages and reports from your records.' },
  { kind: 'marketingEmail', label: 'Marketing e-mail', noun: 'marketing e-mail', about: 'News, recitals and offers by e-mail.' },
  { kind: 'sms', label: 'Text messages', noun: 'text messages', about: 'Lesson reminders and notices by SMS.' },
];
