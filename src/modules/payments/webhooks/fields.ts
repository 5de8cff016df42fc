/**
 * Typed reads of a webhook's `data.object` (Stripe's snake_case JSON, unknown until read):
 * each reader returns a value of the asked type or null, never throws.
 */
export type Json = Record<string, unknown>;

export const obj = (value: unknown): Json | null => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null);
export const str = (o: Json | null, key: string): string | null => (typeof o?.[key] === 'string' ? (o[key] as string) : null);
export const num = (o: Json | null, key: string): number | null => (typeof o?.[key] === 'number' && Number.isFinite(o[key]) ? (o[key] as number) : null);
export const bool = (o: Json | null, key: string): boolean | null => (typeof o?.[key] === 'boolean' ? (o[key] as boolean) : null);
/** An id field that may be expanded into its object (`latest_charge: "ch_…" | {id: "ch_…"}`). */
export const ref = (o: Json | null, key: string): string | null => str(o, key) ?? str(obj(o?.[key]), 'id');
export const list = (o: Json | null, key: string): Json[] => {
  const data = obj(o?.[key])?.data;
  return Array.isArray(data) ? data.map(obj).filter((x): x is Json => x !== null) : [];
};
/** Unix seconds → Date; null when absent or outside the dates a Date can hold. */
export const unixDate = (seconds: number | null): Date | null => {
  if (seconds === null) return null;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
};
export const metadataOf = (o: Json | null): Record<string, string> => {
  const m = obj(o?.metadata);
  if (!m) return {};
  return Object.fromEntries(Object.entries(m).filter((e): e is [string, string] => typeof e[1] === 'string'));
};
/** A positive integer id from metadata (`"42"`), else null. */
export const metaId = (o: Json | null, key: string): number | null => {
  const value = metadataOf(o)[key];
  return value && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : null;
};
