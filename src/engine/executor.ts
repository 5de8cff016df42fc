/**
 * The executor: runs a workflow in memory, node after node from `start`, with retries, timeouts,
 * concurrent children, stop, cancellation, compensation, a journal and resume.
 *
 * Hot path: a node without timeout, journal or cancellation signal costs one context object and
 * a direct call; no promise, timer, AbortController or clock read is created unless needed.
 *
 * Durable waits (`ctx.waitFor`) and transactional steps (`ctx.transaction`) need the providers of
 * a durable layer (`waits`, `transactions`); without them both reject with a PermanentError. A
 * node that waits suspends the run: the result has status `waiting` and lists the waits.
 */
import { NodeContext, type RunView } from './context.js';
import {
  EventValidationError,
  NodeTimeoutError,
  OutputValidationError,
  ResumeStateError,
  RouterTargetError,
  RunCancelledError,
  SiblingFailedError,
  isPermanent,
} from './errors.js';
import type { Checkpoint, Journal, ResumeState, RunError, RunResult, RunStatus, StepKind } from './journal.js';
import { planOf, type Plan, type PlanNode } from './plan.js';
import { backoffDelay, sleep } from './retry.js';
import { Scope } from './scope.js';
import type { TransactionRunner } from './transaction.js';
import type { Workflow } from './types.js';
import type { PendingWait, WaitProvider } from './waits.js';

export interface ExecuteOptions {
  /** The run's id; part of every idempotency key. Reuse it when resuming. */
  readonly runId: string;
  /** The triggering event, parsed with the workflow's `event` schema before any node runs. */
  readonly event: unknown;
  /** Initial `ctx.metadata` (the object itself is shared with the nodes). Default `{}`. */
  readonly metadata?: Record<string, unknown>;
  /** External cancellation: when it fires, the current node is aborted and the run compensated. */
  readonly signal?: AbortSignal;
  readonly journal?: Journal;
  /** Checkpoints of an earlier attempt of this run: those nodes are not run again. */
  readonly resume?: ResumeState;
  /** Source of jitter in [0, 1) for retry delays. Default Math.random. */
  readonly random?: () => number;
  /** Answers `ctx.waitFor`. Default none: `ctx.waitFor` rejects with a PermanentError. */
  readonly waits?: WaitProvider;
  /** Runs `ctx.transaction`. Default none: `ctx.transaction` rejects with a PermanentError. */
  readonly transactions?: TransactionRunner;
}

/** Internal: a node (or compensation) that failed for good. */
class NodeFailure {
  constructor(
    readonly nodeId: string | null,
    readonly kind: StepKind,
    readonly error: unknown,
    readonly permanent: boolean,
    readonly attempts: number,
  ) {}
}

/** Internal: nodes suspended the run on `ctx.waitFor`; ends the run with status waiting. */
class Suspension {
  constructor(readonly waits: PendingWait[]) {}
}

/** Internal: a journal method threw; ends the run by rejecting. */
class JournalFailure {
  constructor(readonly error: unknown) {}
}

class RunState implements RunView {
  stopReason: string | undefined = undefined;
  event: unknown = undefined;
  readonly nodes: Record<string, unknown> = {};
  /** Finished nodes in completion order. */
  readonly done: PlanNode[] = [];
  cancel: Scope | null = null;
  checkpoints: Map<string, Checkpoint> | null = null;
  readonly journal: Journal | null;
  readonly timed: boolean;
  readonly random: () => number;
  readonly metadata: Record<string, unknown>;
  readonly runId: string;
  readonly waits: WaitProvider | null;
  readonly transactions: TransactionRunner | null;

  constructor(
    readonly plan: Plan,
    options: ExecuteOptions,
  ) {
    this.runId = options.runId;
    this.metadata = options.metadata ?? {};
    this.random = options.random ?? Math.random;
    this.waits = options.waits ?? null;
    this.transactions = options.transactions ?? null;
    const j = options.journal ?? null;
    this.journal = j;
    this.timed = j !== null && (j.nodeSucceeded !== undefined || j.nodeFailed !== undefined);
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v instanceof Promise || (v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function');
}

/** Calls a journal method; wraps whatever it throws or rejects with in JournalFailure. */
function emit<K extends keyof Journal>(j: Journal, key: K, event: Parameters<NonNullable<Journal[K]>>[0]): unknown {
  const fn = j[key] as ((e: unknown) => unknown) | undefined;
  if (fn === undefined) return undefined;
  let r: unknown;
  try {
    r = fn.call(j, event);
  } catch (error) {
    throw new JournalFailure(error);
  }
  if (!isThenable(r)) return undefined;
  return Promise.resolve(r).then(undefined, (error: unknown) => {
    throw new JournalFailure(error);
  });
}

/**
 * Runs a workflow. Resolves with the outcome, whatever the nodes did; rejects only when a journal
 * method fails (or on an engine bug). A bad event gives status 'failed' with an
 * EventValidationError (nodeId null) and no node runs.
 */
export async function executeWorkflow<Event>(workflow: Workflow<Event>, options: ExecuteOptions): Promise<RunResult> {
  const run = new RunState(planOf(workflow), options);
  const j = run.journal;
  const signal = options.signal;
  let onAbort: (() => void) | null = null;
  try {
    if (j !== null && j.runStarted !== undefined) {
      await emit(j, 'runStarted', {
        runId: run.runId,
        workflow: run.plan.name,
        event: options.event,
        metadata: run.metadata,
        restored: options.resume?.completed.length ?? 0,
      });
    }
    let failure = prepare(run, options);
    if (failure === null && signal !== undefined) {
      const cancel = new Scope(null);
      run.cancel = cancel;
      if (signal.aborted) cancel.abort(new RunCancelledError(signal.reason));
      else {
        onAbort = () => cancel.abort(new RunCancelledError(signal.reason));
        signal.addEventListener('abort', onAbort, { once: true });
      }
    }
    let suspension: Suspension | null = null;
    if (failure === null) {
      try {
        await drive(run);
      } catch (error) {
        if (error instanceof Suspension) suspension = error;
        else if (error instanceof NodeFailure) failure = error;
        else throw error;
      }
    }
    const result = failure !== null ? await fail(run, failure) : suspension !== null ? suspended(run, suspension) : finished(run);
    if (j !== null && j.runFinished !== undefined) await emit(j, 'runFinished', result);
    return result;
  } catch (error) {
    throw error instanceof JournalFailure ? error.error : error;
  } finally {
    if (onAbort !== null) signal?.removeEventListener('abort', onAbort);
  }
}

/** Parses the event and loads the checkpoints; returns the failure that prevents the run. */
function prepare(run: RunState, options: ExecuteOptions): NodeFailure | null {
  const parsed = run.plan.event.safeParse(options.event);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    return new NodeFailure(null, 'process', new EventValidationError(run.plan.name, issues, summarize(issues)), true, 0);
  }
  run.event = parsed.data;
  const completed = options.resume?.completed;
  if (completed === undefined || completed.length === 0) return null;
  const map = new Map<string, Checkpoint>();
  for (const cp of completed) {
    const pn = run.plan.nodes.get(cp.nodeId);
    const expected: readonly (string | null)[] = pn === undefined ? [] : pn.router !== null ? pn.connections : [pn.isChild ? null : (pn.next?.id ?? null)];
    const problem =
      pn === undefined
        ? 'is not a node of this workflow'
        : map.has(cp.nodeId)
          ? 'appears twice'
          : !expected.includes(cp.next) && !(cp.next === null && cp.stopReason !== undefined)
            ? `has an impossible next "${cp.next}"`
            : null;
    if (problem !== null) {
      return new NodeFailure(cp.nodeId, 'process', new ResumeStateError(`checkpoint of node "${cp.nodeId}" ${problem}`), true, 0);
    }
    map.set(cp.nodeId, cp);
  }
  run.checkpoints = map;
  return null;
}

function summarize(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Follows the path from `start` until a terminal node, a stop, or a failure (thrown). */
async function drive(run: RunState): Promise<void> {
  const cps = run.checkpoints;
  let pn: PlanNode | null = run.plan.start;
  while (pn !== null) {
    const cp = cps === null ? undefined : cps.get(pn.id);
    // Checked after looking up the checkpoint: restored nodes join `done` even when the run was
    // cancelled before it resumed, so that they are compensated.
    if (cp === undefined && run.cancel !== null && run.cancel.aborted) throw new NodeFailure(null, 'process', run.cancel.reason, true, 0);
    let value: unknown;
    if (cp !== undefined) {
      restore(run, pn, cp);
      value = cp.next;
    } else {
      value = runSteps(run, pn, 'process', run.cancel, undefined);
      if (isThenable(value)) value = await value;
    }
    if (pn.children !== null && run.stopReason === undefined) {
      const group = runGroup(run, pn);
      if (group !== undefined) await group;
    }
    if (run.stopReason !== undefined) return;
    pn = pn.targets === null ? pn.next : (pn.targets.get(value as string) ?? null);
  }
}

function restore(run: RunState, pn: PlanNode, cp: Checkpoint): void {
  if (pn.router === null) run.nodes[pn.id] = cp.output;
  run.done.push(pn);
  if (cp.stopReason !== undefined && run.stopReason === undefined) run.stopReason = cp.stopReason;
}

/**
 * Runs a node (or its compensation) with its retry policy. Returns the output (the chosen id for
 * a router) synchronously when it can, else a promise; throws/rejects NodeFailure.
 */
function runSteps(run: RunState, pn: PlanNode, kind: StepKind, parent: Scope | null, compensateOf: unknown): unknown {
  if (parent?.aborted) throw new NodeFailure(pn.id, kind, parent.reason, true, 0);
  if (run.journal !== null) return stepsLoop(run, pn, kind, parent, compensateOf, null, undefined, false);
  const own = pn.timeoutMs === null ? null : new Scope(parent);
  const ctx = new NodeContext(run, pn.id, 1, own ?? parent, kind === 'compensate');
  let r: unknown;
  try {
    r = attempt(run, pn, kind, ctx, own, compensateOf);
  } catch (error) {
    return stepsLoop(run, pn, kind, parent, compensateOf, ctx, error, true);
  }
  if (isThenable(r)) return stepsLoop(run, pn, kind, parent, compensateOf, ctx, r, false);
  return commit(run, pn, kind, ctx, r, 0);
}

/** The general retry loop; may start with the outcome of a first attempt made by runSteps. */
async function stepsLoop(
  run: RunState,
  pn: PlanNode,
  kind: StepKind,
  parent: Scope | null,
  compensateOf: unknown,
  firstCtx: NodeContext | null,
  firstOutcome: unknown,
  firstThrew: boolean,
): Promise<unknown> {
  const j = run.journal;
  const policy = pn.retry;
  for (let n = 1; ; n++) {
    let ctx: NodeContext;
    let outcome: unknown;
    let threw = false;
    let t0 = 0;
    if (n === 1 && firstCtx !== null) {
      ctx = firstCtx;
      outcome = firstOutcome;
      threw = firstThrew;
    } else {
      if (parent?.aborted) throw new NodeFailure(pn.id, kind, parent.reason, true, n - 1);
      if (j !== null && j.nodeStarted !== undefined) {
        await emit(j, 'nodeStarted', { runId: run.runId, nodeId: pn.id, attempt: n, kind });
      }
      if (run.timed) t0 = performance.now();
      const own = pn.timeoutMs === null ? null : new Scope(parent);
      ctx = new NodeContext(run, pn.id, n, own ?? parent, kind === 'compensate');
      try {
        outcome = attempt(run, pn, kind, ctx, own, compensateOf);
      } catch (error) {
        outcome = error;
        threw = true;
      }
    }
    if (!threw && isThenable(outcome)) {
      try {
        outcome = await outcome;
      } catch (error) {
        outcome = error;
        threw = true;
      }
    }
    if (ctx.suspension !== undefined) {
      // Whatever the node made of it, the attempt waits: no retry, no failure.
      if (j !== null && j.nodeSuspended !== undefined) {
        const durationMs = run.timed ? performance.now() - t0 : 0;
        await emit(j, 'nodeSuspended', { runId: run.runId, nodeId: pn.id, attempt: n, kind, waits: ctx.suspension.waits, durationMs });
      }
      throw new Suspension(ctx.suspension.waits);
    }
    if (!threw) {
      const committed = commit(run, pn, kind, ctx, outcome, t0);
      return isThenable(committed) ? await committed : committed;
    }
    const permanent = isPermanent(outcome);
    const interrupted = parent?.aborted;
    const willRetry = !permanent && !interrupted && n < policy.maxAttempts;
    const delay = willRetry ? backoffDelay(n, policy, run.random) : null;
    if (j !== null && j.nodeFailed !== undefined) {
      await emit(j, 'nodeFailed', {
        runId: run.runId,
        nodeId: pn.id,
        attempt: n,
        kind,
        error: outcome,
        permanent,
        willRetry,
        retryDelayMs: delay,
        durationMs: run.timed ? performance.now() - t0 : 0,
      });
    }
    if (delay === null) throw new NodeFailure(pn.id, kind, outcome, permanent, n);
    if (delay > 0) {
      try {
        await sleep(delay, parent);
      } catch (reason) {
        throw new NodeFailure(pn.id, kind, reason, true, n);
      }
    }
  }
}

/** One call of process / route / compensate, raced against timeout and cancellation if any. */
function attempt(run: RunState, pn: PlanNode, kind: StepKind, ctx: NodeContext, own: Scope | null, compensateOf: unknown): unknown {
  let r: unknown;
  try {
    if (kind === 'compensate') r = (pn.node as NonNullable<PlanNode['node']>).compensate?.(ctx, compensateOf);
    else if (pn.router !== null) r = pn.router.route(ctx);
    else r = (pn.node as NonNullable<PlanNode['node']>).process(ctx);
  } catch (error) {
    own?.dispose();
    throw error;
  }
  if (isThenable(r)) {
    const cancel = kind === 'process' ? run.cancel : null;
    const p = own !== null || cancel !== null ? race(r, pn, own, cancel) : r;
    if (kind === 'compensate' || (pn.router === null && pn.output === null)) return p;
    return p.then((v) => check(pn, v));
  }
  own?.dispose();
  return kind === 'compensate' ? r : check(pn, r);
}

/** Validates a router's choice or a node's output against its schema. */
function check(pn: PlanNode, value: unknown): unknown {
  if (pn.targets !== null) {
    if (typeof value !== 'string' || !pn.targets.has(value)) throw new RouterTargetError(pn.id, value, pn.connections);
    return value;
  }
  if (pn.output === null) return value;
  const parsed = pn.output.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new OutputValidationError(pn.id, parsed.error.issues, summarize(parsed.error.issues));
}

/** Settles with `p`, or rejects at the timeout (aborting `own`) or when `cancel` aborts. */
function race(p: PromiseLike<unknown>, pn: PlanNode, own: Scope | null, cancel: Scope | null): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe: (() => void) | undefined;
    const settle = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe?.();
      own?.dispose();
    };
    p.then(
      (v) => {
        settle();
        resolve(v);
      },
      (e: unknown) => {
        settle();
        reject(e);
      },
    );
    const ms = pn.timeoutMs;
    if (own !== null && ms !== null) {
      timer = setTimeout(() => {
        const error = new NodeTimeoutError(pn.id, ms);
        own.abort(error);
        settle();
        reject(error);
      }, ms);
    }
    if (cancel !== null) {
      if (cancel.aborted) {
        settle();
        reject(cancel.reason);
      } else
        unsubscribe = cancel.subscribe((reason) => {
          settle();
          reject(reason);
        });
    }
  });
}

/** Records a success: output slot, completion order, stop request, and the journal checkpoint. */
function commit(run: RunState, pn: PlanNode, kind: StepKind, ctx: NodeContext, value: unknown, t0: number): unknown {
  const j = run.journal;
  if (kind === 'compensate') {
    if (j === null || j.nodeSucceeded === undefined) return value;
    const durationMs = run.timed ? performance.now() - t0 : 0;
    const ev = { runId: run.runId, nodeId: pn.id, attempt: ctx.attempt, kind, output: value, next: null, durationMs };
    const r = emit(j, 'nodeSucceeded', ev);
    return isThenable(r) ? r.then(() => value) : value;
  }
  const stopReason = ctx.stopReason;
  if (stopReason !== undefined && run.stopReason === undefined) run.stopReason = stopReason;
  if (pn.router === null) run.nodes[pn.id] = value;
  run.done.push(pn);
  if (j === null || j.nodeSucceeded === undefined) return value;
  const next = pn.isChild || stopReason !== undefined ? null : pn.router !== null ? (value as string) : (pn.next?.id ?? null);
  const r = emit(j, 'nodeSucceeded', {
    runId: run.runId,
    nodeId: pn.id,
    attempt: ctx.attempt,
    kind,
    output: pn.router === null ? value : undefined,
    next,
    ...(stopReason === undefined ? {} : { stopReason }),
    durationMs: run.timed ? performance.now() - t0 : 0,
  });
  return isThenable(r) ? r.then(() => value) : value;
}

/** Runs a concurrent parent's children (those without checkpoint), at most `limit` at once. */
function runGroup(run: RunState, parent: PlanNode): Promise<void> | undefined {
  let kids = parent.children as PlanNode[];
  const cps = run.checkpoints;
  if (cps !== null) {
    const order = [...cps.keys()];
    const restored = kids.filter((k) => cps.has(k.id)).sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    for (const k of restored) restore(run, k, cps.get(k.id) as Checkpoint);
    kids = kids.filter((k) => !cps.has(k.id));
    if (kids.length === 0) return undefined;
  }
  return new GroupRun(run, kids, parent.limit).start();
}

class GroupRun {
  private nextIndex = 0;
  private active = 0;
  private failure: unknown = null;
  private failed = false;
  /** Children that suspended on a wait; the others go on, then the group rejects with it. */
  private suspension: Suspension | null = null;
  private journalFailure: JournalFailure | null = null;
  private resolve: (() => void) | null = null;
  private reject: ((error: unknown) => void) | null = null;
  private readonly scope: Scope;

  constructor(
    private readonly run: RunState,
    private readonly kids: readonly PlanNode[],
    private readonly limit: number,
  ) {
    this.scope = new Scope(run.cancel);
  }

  start(): Promise<void> | undefined {
    this.pump();
    if (this.active === 0) {
      this.scope.dispose();
      if (this.failed) throw this.journalFailure ?? this.failure;
      if (this.suspension !== null) throw this.suspension;
      return undefined;
    }
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  private pump(): void {
    const kids = this.kids;
    while (!this.failed && this.nextIndex < kids.length && this.active < this.limit) {
      const kid = kids[this.nextIndex++] as PlanNode;
      let r: unknown;
      try {
        r = runSteps(this.run, kid, 'process', this.scope, undefined);
      } catch (error) {
        this.fail(error);
        continue;
      }
      if (isThenable(r)) {
        this.active++;
        r.then(this.onDone, this.onError);
      }
    }
    if (this.active === 0 && this.resolve !== null && (this.failed || this.nextIndex >= kids.length)) {
      this.scope.dispose();
      if (this.failed) this.reject?.(this.journalFailure ?? this.failure);
      else if (this.suspension !== null) this.reject?.(this.suspension);
      else this.resolve();
    }
  }

  private readonly onDone = (): void => {
    this.active--;
    this.pump();
  };

  private readonly onError = (error: unknown): void => {
    this.active--;
    this.fail(error);
    this.pump();
  };

  private fail(error: unknown): void {
    if (error instanceof Suspension) {
      if (this.suspension === null) this.suspension = new Suspension([]);
      this.suspension.waits.push(...error.waits);
      return;
    }
    if (error instanceof JournalFailure) this.journalFailure ??= error;
    if (this.failed) return;
    this.failed = true;
    this.failure = error;
    const nodeId = error instanceof NodeFailure ? (error.nodeId ?? '?') : '?';
    this.scope.abort(new SiblingFailedError(nodeId));
  }
}

function toRunError(f: NodeFailure): RunError {
  const e = f.error;
  const details = e instanceof OutputValidationError || e instanceof EventValidationError ? { details: e.issues } : {};
  return {
    nodeId: f.nodeId,
    kind: f.kind,
    name: e instanceof Error ? e.name : typeof e,
    message: e instanceof Error ? e.message : String(e),
    permanent: f.permanent,
    attempts: f.attempts,
    ...details,
  };
}

function finished(run: RunState): RunResult {
  const status: RunStatus = run.stopReason === undefined ? 'succeeded' : 'stopped';
  return {
    runId: run.runId,
    workflow: run.plan.name,
    status,
    nodes: run.nodes,
    path: run.done.map((pn) => pn.id),
    compensated: [],
    ...(run.stopReason === undefined ? {} : { stopReason: run.stopReason }),
  };
}

/** The result of a run suspended on waits: not final, nothing compensated. */
function suspended(run: RunState, suspension: Suspension): RunResult {
  return {
    runId: run.runId,
    workflow: run.plan.name,
    status: 'waiting',
    nodes: run.nodes,
    path: run.done.map((pn) => pn.id),
    compensated: [],
    waits: suspension.waits,
    ...(run.stopReason === undefined ? {} : { stopReason: run.stopReason }),
  };
}

/** Compensates finished nodes in reverse completion order and builds the failed result. */
async function fail(run: RunState, failure: NodeFailure): Promise<RunResult> {
  const compensated: string[] = [];
  let compensationError: RunError | undefined;
  for (let i = run.done.length - 1; i >= 0 && compensationError === undefined; i--) {
    const pn = run.done[i] as PlanNode;
    if (!pn.hasCompensate) continue;
    try {
      const r = runSteps(run, pn, 'compensate', null, run.nodes[pn.id]);
      if (isThenable(r)) await r;
      compensated.push(pn.id);
    } catch (error) {
      if (!(error instanceof NodeFailure)) throw error;
      compensationError = toRunError(error);
    }
  }
  const cancelled = run.cancel?.aborted;
  const status: RunStatus = compensationError !== undefined ? 'failed' : cancelled ? 'cancelled' : compensated.length > 0 ? 'compensated' : 'failed';
  return {
    runId: run.runId,
    workflow: run.plan.name,
    status,
    nodes: run.nodes,
    path: run.done.map((pn) => pn.id),
    compensated,
    error: toRunError(failure),
    ...(compensationError === undefined ? {} : { compensationError }),
    ...(run.stopReason === undefined ? {} : { stopReason: run.stopReason }),
  };
}
