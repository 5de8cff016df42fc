/**
 * The consents the API knows, by their API names, and the kinds stored for them in `consents.kind`.
 * `marketingEmail` also reads the older `marketing` rows of migration 0001 (the newest row wins).
 */
export const consentNames = ['dataProcessing', 'aiProcessing', 'marketingEmail', 'sms'] as const;
export type ConsentName = (typeof consentNames)[number];

export const storedKindOf: Record<ConsentName, 'data_processing' | 'ai_processing' | 'marketing_email' | 'sms'> = {
  dataProcessing: 'data_processing',
  aiProcessing: 'ai_processing',
  marketingEmail: 'marketing_email',
  sms: 'sms',
};

/** Stored kind → API name, including the older kinds read as one of the four. */
export const nameOfStoredKind: Readonly<Record<string, ConsentName>> = {
  data_processing: 'dataProcessing',
  ai_processing: 'aiProcessing',
  marketing_email: 'marketingEmail',
  marketing: 'marketingEmail',
  sms: 'sms',
};

/**
 * Version of the privacy policy and terms a consent refers to when the caller names none. Raise it
 * when the documents change: a PUT with the same answer under a new version records a new row.
 */
export const CURRENT_CONSENT_VERSION = '2026-12';

/** Where a consent row was recorded (`consents.source`). */
export type ConsentSource = 'api' | 'user_patch' | 'enrollment' | 'seed';
