import { reconnectDelayMs } from './availability.js';
import type { SqlClient, Subscription } from './sql-client.js';

/** The channel the triggers of migration 0012 notify; payload: the table's name. */
export const DATA_CHANGED_CHANNEL = 'cedar_data_changed';

type Handler = (payload: string) => void;

/** Timing of the feed's reconnection and barriers. */
export interface ChangeFeedOptions {
  /** First wait before listening again after a loss, in ms. Default 200. */
  retryMs?: number;
  /** Longest wait between tries, in ms. Default 2000. */
  maxRetryMs?: number;
  /** A barrier unanswered this long counts as a lost connection, in ms. Default 5000. */
  pingTimeoutMs?: number;
}

/**
 * This process's one LISTEN connection, shared by its caches.
 *
 * - `version` counts the changes to school data announced on DATA_CHANGED_CHANNEL (and the times
 *   listening was lost or restarted): a value read with version v is still exact while `version`
 *   is v.
 * - `sync()` is a barrier: once it resolves true, every change committed before the call (by any
 *   process) has been counted. Callers waiting at the same moment share one round trip.
 * - Other channels can be followed with `on` (the user-row cache does).
 *
 * When the connection is lost (or a barrier goes unanswered for `pingTimeoutMs`, as on a cut
 * network) the feed is not `live` (caches must not trust what they hold), it tells the `onLost`
 * handlers, and it tries to listen again after `retryMs`, doubling each failed try up to
 * `maxRetryMs` (with jitter, so many processes do not reconnect in step), for as long as it runs.
 */
export class ChangeFeed {
  private subscription: Subscription | undefined;
  private readonly handlers = new Map<string, Handler[]>([[DATA_CHANGED_CHANNEL, []]]);
  private readonly lostHandlers: (() => void)[] = [];
  private changes = 0;
  private pingsSent = 0;
  /** The `pingsSent` number of the last ping answered while live (pings are answered in order). */
  private lastAnswered = 0;
  private pingInFlight: Promise<boolean> | undefined;
  private pingQueued: Promise<boolean> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Failed tries to listen again since the last loss (sets the backoff). */
  private failedRetries = 0;
  private stopped = true;

  constructor(
    private readonly sql: SqlClient,
    private readonly options: ChangeFeedOptions = {},
  ) {}

  /** True while notifications are being received. */
  get live(): boolean {
    return this.subscription !== undefined;
  }

  /** Monotonic count of data changes (and listening losses) seen by this process. */
  get version(): number {
    return this.changes;
  }

  /** Calls `handler` with each payload on `channel`. Register before `start()`. */
  on(channel: string, handler: Handler): void {
    const list = this.handlers.get(channel) ?? [];
    list.push(handler);
    this.handlers.set(channel, list);
  }

  /** Calls `handler` whenever listening is lost (notifications may have been missed). */
  onLost(handler: () => void): void {
    this.lostHandlers.push(handler);
  }

  /** Listens; rejects when the connection cannot be made (then call `start` again, or `stop`). */
  async start(): Promise<void> {
    this.stopped = false;
    if (this.subscription) return;
    await this.listen();
  }

  private async listen(): Promise<void> {
    let subscription: Subscription | undefined;
    let lostEarly = false;
    subscription = await this.sql.listen(
      [...this.handlers.keys()],
      (channel, payload) => {
        if (channel === DATA_CHANGED_CHANNEL) this.changes += 1;
        for (const handler of this.handlers.get(channel) ?? []) handler(payload);
      },
      () => {
        if (subscription && this.subscription === subscription) this.lose();
        else lostEarly = true;
      },
    );
    if (this.stopped || lostEarly || this.subscription) {
      await subscription.stop();
      if (lostEarly && !this.stopped) throw new Error('the listening connection was lost as it started');
      return;
    }
    this.changes += 1; // anything read before now may have missed a change
    this.subscription = subscription;
    this.failedRetries = 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const subscription = this.subscription;
    this.subscription = undefined;
    this.changes += 1;
    await subscription?.stop();
  }

  /** A point in time for `syncedSince`: take it when a request arrives. */
  mark(): number {
    return this.pingsSent;
  }

  /**
   * Like `sync()` for a caller that took `mark` earlier: when a barrier sent after the mark has
   * already been answered (another cache synced for the same request), resolves at once.
   */
  syncedSince(mark: number): Promise<boolean> {
    if (this.subscription && this.lastAnswered > mark) return Promise.resolve(true);
    return this.sync();
  }

  /**
   * Resolves true once every change committed before this call has been counted in `version`;
   * false when the feed is not live (then nothing cached may be trusted).
   */
  sync(): Promise<boolean> {
    if (!this.subscription) return Promise.resolve(false);
    if (!this.pingInFlight) return this.ping();
    // The ping in flight may have left before this call: wait for the next one.
    this.pingQueued ??= this.pingInFlight.then(() => {
      this.pingQueued = undefined;
      return this.ping();
    });
    return this.pingQueued;
  }

  private ping(): Promise<boolean> {
    const subscription = this.subscription;
    if (!subscription) return Promise.resolve(false);
    this.pingsSent += 1;
    const sent = this.pingsSent;
    let timer: NodeJS.Timeout | undefined;
    const unanswered = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.pingTimeoutMs ?? 5_000);
      timer.unref();
    });
    const pinging = Promise.race([subscription.ping(), unanswered]).then(
      (outcome) => {
        clearTimeout(timer);
        if (this.subscription !== subscription) return false;
        if (outcome === 'timeout') {
          // A connection that does not answer is as good as lost (a cut network sends no error).
          this.lose();
          subscription.abandon();
          return false;
        }
        this.lastAnswered = Math.max(this.lastAnswered, sent);
        return true;
      },
      () => {
        clearTimeout(timer);
        return false;
      },
    );
    this.pingInFlight = pinging;
    void pinging.then(() => {
      if (this.pingInFlight === pinging) this.pingInFlight = undefined;
    });
    return pinging;
  }

  private lose(): void {
    this.subscription = undefined;
    this.changes += 1;
    for (const handler of this.lostHandlers) handler();
    this.retryLater();
  }

  /** One try at a time, with backoff (see `reconnectDelayMs`). */
  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    const backoff = { firstMs: this.options.retryMs ?? 200, maxMs: this.options.maxRetryMs ?? 2_000 };
    const delay = reconnectDelayMs(this.failedRetries, backoff);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped || this.subscription) return;
      this.listen().catch(() => {
        this.failedRetries += 1;
        this.retryLater();
      });
    }, delay);
    this.retryTimer.unref();
  }
}
