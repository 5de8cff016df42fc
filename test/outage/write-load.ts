/** Write load on a running server during database outages: every answer is recorded and classified. */

/** One answer of the server (or the failure to get one). */
export type Outcome =
  | { kind: 'ok'; status: number }
  | { kind: 'unavailable'; code: unknown; retryAfter: string | null }
  | { kind: 'other'; status: number; body: string }
  | { kind: 'network'; message: string };

export interface LoadTally {
  outcomes: Outcome[];
  /** Last names of the students whose creation was acknowledged (201). */
  acknowledgedStudents: string[];
  /** Runs whose start was acknowledged (202). */
  acknowledgedRuns: string[];
  /** 2xx answers so far (a counter to poll: "writes succeed again"). */
  successes: number;
  /** 503 database_unavailable answers so far. */
  unavailable: number;
}

export interface WriteLoad {
  readonly tally: LoadTally;
  /** Stops the load and waits for the requests in flight. */
  stop(): Promise<void>;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `request`, records the outcome; resolves with the parsed JSON body of a 2xx answer. */
export async function recorded(tally: LoadTally, request: () => Promise<Response>): Promise<Record<string, unknown> | undefined> {
  let response: Response;
  try {
    response = await request();
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    tally.outcomes.push({ kind: 'network', message: `${String(error)} ${cause ? String(cause) : ''}` });
    return undefined;
  }
  const text = await response.text();
  if (response.status >= 200 && response.status < 300) {
    tally.outcomes.push({ kind: 'ok', status: response.status });
    tally.successes += 1;
    return JSON.parse(text) as Record<string, unknown>;
  }
  if (response.status === 503) {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    tally.outcomes.push({ kind: 'unavailable', code, retryAfter: response.headers.get('retry-after') });
    if (code === 'database_unavailable') tally.unavailable += 1;
    return undefined;
  }
  tally.outcomes.push({ kind: 'other', status: response.status, body: text.slice(0, 500) });
  return undefined;
}

/**
 * `writers` loops creating students (unique last names) and one loop starting direct-message runs,
 * as the admin whose token is `token`, until stopped. After a failed write a loop waits 50 ms.
 */
export function startWriteLoad(options: { baseUrl: string; token: string; parentId: number; writers: number }): WriteLoad {
  const { baseUrl, parentId } = options;
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const tally: LoadTally = { outcomes: [], acknowledgedStudents: [], acknowledgedRuns: [], successes: 0, unavailable: 0 };
  let running = true;
  let sequence = 0;
  const post = (path: string, body: unknown) => () => fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

  const studentWriter = async (): Promise<void> => {
    while (running) {
      sequence += 1;
      const lastName = `Outage${sequence}`;
      const body = { parentId, firstName: 'Load', lastName, dateOfBirth: '2014-03-01', instrument: 'piano', lessonRateCents: 5000 };
      const created = await recorded(tally, post('/api/v1/students', body));
      if (created) tally.acknowledgedStudents.push(lastName);
      else await pause(50);
    }
  };
  const messenger = async (): Promise<void> => {
    while (running) {
      sequence += 1;
      const body = { to: { userId: parentId }, subject: `Outage notice ${sequence}`, body: 'Lessons go on.', channels: ['in_app'] };
      const accepted = await recorded(tally, post('/api/v1/messages', body));
      if (accepted) tally.acknowledgedRuns.push(...(accepted.notificationRunIds as string[]));
      await pause(accepted ? 150 : 50);
    }
  };
  const loops = [...Array.from({ length: options.writers }, studentWriter), messenger()];
  return {
    tally,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
