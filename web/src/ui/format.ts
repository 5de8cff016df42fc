/** Formats an instant in the school's zone, e.g. "Tue, Nov 9, 4:00 PM". */
export function dateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}

/** Formats a date (`2027-11-09`) or instant as a day in the school's zone. */
export function day(iso: string, timeZone: string): string {
  const value = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00Z`) : new Date(iso);
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: /^\d{4}-\d{2}-\d{2}$/.test(iso) ? 'UTC' : timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  }).format(value);
}

/** Integer cents of `currency` as money, e.g. 4500 → "$45.00". */
export function money(cents: number, currency = 'CAD'): string {
  return new Intl.NumberFormat('en-CA', { style: 'currency', currency }).format(cents / 100);
}
