/** A range of local days (YYYY-MM-DD, the school's zone), both included. */
export interface Period {
  from: string;
  to: string;
}

/** Today's date (YYYY-MM-DD) in `timeZone`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The calendar month before the one `today` (YYYY-MM-DD) falls in, first to last day. */
export function monthBefore(today: string): Period {
  const [year, month] = today.split('-').map(Number) as [number, number];
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDay)}` };
}

/** The seven days starting at `today` (YYYY-MM-DD). */
export function weekFrom(today: string): Period {
  const end = new Date(`${today}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 6);
  return { from: today, to: end.toISOString().slice(0, 10) };
}
