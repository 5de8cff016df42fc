/**
 * A small cache of rendered free-slot answers (the public timeslots page is read far more often
 * than lessons change). Entries expire after `ttlMs`, and every committed lesson change in this
 * process (book, cancel, reschedule) drops them at once; changes made by other processes or to
 * weekly hours, time off and closures show within `ttlMs`. Bookings always re-check, so a stale
 * slot can at worst be refused with 409 and alternatives.
 */
let generation = 0;

/** Call after a lesson change commits: cached free slots are no longer trusted. */
export function lessonsChanged(): void {
  generation += 1;
}

export class SlotCache {
  private readonly entries = new Map<string, { expires: number; generation: number; body: string }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 500,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.clock() || entry.generation !== generation) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.body;
  }

  set(key: string, body: string): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { expires: this.clock() + this.ttlMs, generation, body });
  }
}
