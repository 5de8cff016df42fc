/**
 * Reading single CSV values. Each reader returns the value or records an issue naming the field;
 * the row fails with every issue of the row at once (RowProblem).
 */
import { DateTime } from 'luxon';
import { z } from 'zod';

export interface RowIssue {
  /** The field; reported under the header the file used for it. */
  field: string;
  message: string;
}

/** A row that cannot be imported: each issue names its field. */
export class RowProblem extends Error {
  constructor(readonly issues: RowIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'RowProblem';
  }
}

const emailSchema = z.email().max(200);
const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Collects the issues of one row while its values are read. */
export class RowReader {
  readonly issues: RowIssue[] = [];

  constructor(private readonly values: Readonly<Record<string, string>>) {}

  private fail(field: string, message: string): undefined {
    this.issues.push({ field, message });
    return undefined;
  }

  /** The trimmed text, or undefined when empty (an issue when required). */
  text(field: string, options: { required?: boolean; max?: number } = {}): string | undefined {
    const value = this.values[field]?.trim() ?? '';
    if (value === '') return options.required ? this.fail(field, 'is required') : undefined;
    if (value.length > (options.max ?? 100)) return this.fail(field, `must be at most ${options.max ?? 100} characters`);
    return value;
  }

  email(field: string, options: { required?: boolean } = {}): string | undefined {
    const value = this.text(field, { ...options, max: 200 });
    if (value === undefined) return undefined;
    return emailSchema.safeParse(value).success ? value.toLowerCase() : this.fail(field, `"${value}" is not an e-mail address`);
  }

  /** `2015-03-04` (ISO) or `03/04/2015` (month/day/year, as North American spreadsheets write it) → `2015-03-04`. */
  date(field: string, options: { required?: boolean } = {}): string | undefined {
    const value = this.text(field, options);
    if (value === undefined) return undefined;
    const parsed = /^\d{4}-\d{1,2}-\d{1,2}$/.test(value) ? DateTime.fromFormat(value, 'yyyy-M-d') : DateTime.fromFormat(value, 'M/d/yyyy');
    if (!parsed.isValid) return this.fail(field, `"${value}" is not a date; write 2015-03-04 or 03/04/2015 (month/day/year)`);
    if (parsed.year < 1900 || parsed.year > 2100) return this.fail(field, `"${value}" must lie between 1900 and 2100`);
    return parsed.toISODate()!;
  }

  /** Dollars (`45`, `45.50`, `$45.50`, `CAD 45`) → integer cents. */
  money(field: string, options: { required?: boolean } = {}): number | undefined {
    const value = this.text(field, options);
    if (value === undefined) return undefined;
    const match = /^(?:CAD\s*)?\$?\s*(\d{1,6})(?:\.(\d{1,2}))?$/i.exec(value);
    if (!match) return this.fail(field, `"${value}" is not an amount in dollars (e.g. 45 or 45.50)`);
    return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  }

  integer(field: string, options: { required?: boolean } = {}): number | undefined {
    const value = this.text(field, options);
    if (value === undefined) return undefined;
    return /^\d{1,6}$/.test(value) ? Number(value) : this.fail(field, `"${value}" is not a whole number`);
  }

  /** A list separated by `;`, `,`, `|` or `/`, lower-cased, without repeats. */
  list(field: string, options: { required?: boolean } = {}): string[] | undefined {
    const value = this.text(field, { ...options, max: 500 });
    if (value === undefined) return undefined;
    const items = [
      ...new Set(
        value
          .split(/[;,|/]/)
          .map((item) => item.trim().toLowerCase())
          .filter((item) => item !== ''),
      ),
    ];
    return items.length > 0 ? items : this.fail(field, 'is required');
  }

  /** `Monday`, `Mon`, `mon.` or the ISO number `1` … `7` → 1 (Monday) … 7 (Sunday). */
  weekday(field: string): number | undefined {
    const value = this.text(field, { required: true });
    if (value === undefined) return undefined;
    if (/^[1-7]$/.test(value)) return Number(value);
    const word = value.toLowerCase().replace(/\.$/, '');
    const index = word.length >= 3 ? weekdays.findIndex((day) => day.startsWith(word)) : -1;
    return index >= 0 ? index + 1 : this.fail(field, `"${value}" is not a weekday (Monday … Sunday, or 1 … 7)`);
  }

  /** `16:00`, `9:30`, `4:30 PM`, `4pm` → `HH:MM`; `24:00` only when `endOfDay`. */
  time(field: string, options: { endOfDay?: boolean } = {}): string | undefined {
    const value = this.text(field, { required: true });
    if (value === undefined) return undefined;
    const match = /^(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$/i.exec(value);
    let hour = match ? Number(match[1]) : Number.NaN;
    const minute = match ? Number(match[2] ?? '0') : Number.NaN;
    const meridiem = match?.[3]?.toLowerCase().startsWith('p') ? 'pm' : match?.[3] ? 'am' : undefined;
    if (meridiem && (hour < 1 || hour > 12)) hour = Number.NaN;
    if (meridiem === 'pm' && hour < 12) hour += 12;
    if (meridiem === 'am' && hour === 12) hour = 0;
    if (match && !match[2] && !meridiem) hour = Number.NaN; // a bare "16" is too ambiguous
    const isEnd = options.endOfDay && hour === 24 && minute === 0;
    if (Number.isNaN(hour) || minute > 59 || (hour > 23 && !isEnd)) return this.fail(field, `"${value}" is not a time of day (e.g. 16:00 or 4:00 PM)`);
    return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  }

  /** Throws the row's issues, if any. */
  done(): void {
    if (this.issues.length > 0) throw new RowProblem(this.issues);
  }
}
