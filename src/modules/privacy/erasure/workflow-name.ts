export const PRIVACY_ERASURE_WORKFLOW = 'privacy-erasure';
