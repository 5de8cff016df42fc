/**
 * A cheap, lazily materialised abort scope. The engine creates scopes for the run (external
 * cancellation), for each concurrent group (sibling failure) and for attempts with a timeout; an
 * `AbortController` is only allocated when somebody reads `signal`. Aborting a scope aborts its
 * children (scopes created with it as parent) and calls its subscribers.
 *
 * Internal to the engine.
 */

type Listener = (reason: unknown) => void;

/** A signal that never fires, shared by every attempt that has nothing that could abort it. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

export class Scope {
  aborted = false;
  reason: unknown = undefined;
  private controller: AbortController | null = null;
  private listeners: Set<Listener> | null = null;
  private readonly detach: (() => void) | null;

  constructor(readonly parent: Scope | null) {
    if (parent === null) {
      this.detach = null;
    } else if (parent.aborted) {
      this.detach = null;
      this.aborted = true;
      this.reason = parent.reason;
    } else {
      this.detach = parent.subscribe((reason) => this.abort(reason));
    }
  }

  /** The scope as an AbortSignal (created on first use). */
  get signal(): AbortSignal {
    let c = this.controller;
    if (c === null) {
      c = this.controller = new AbortController();
      if (this.aborted) c.abort(this.reason);
    }
    return c.signal;
  }

  /** Aborts once; later calls are ignored. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    if (listeners !== null) {
      this.listeners = null;
      for (const l of listeners) l(reason);
    }
  }

  /** Calls `listener` when the scope aborts; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners ??= new Set();
    this.listeners.add(listener);
    return () => {
      this.listeners?.delete(listener);
    };
  }

  /** Stops listening to the parent. Call when the scope's work is over. */
  dispose(): void {
    this.detach?.();
  }
}
