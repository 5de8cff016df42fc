import autocannon from 'autocannon';

export interface LoadFigures {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  failures: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/**
 * Drives `url` with autocannon and computes exact p50/p95/p99 (ms) from every response time.
 * `requests` are autocannon request descriptors (method, path, headers, body) cycled by each connection.
 */
export async function loadTest(options: {
  url: string;
  connections: number;
  durationSeconds: number;
  requests?: autocannon.Request[];
  headers?: Record<string, string>;
}): Promise<LoadFigures> {
  const times: number[] = [];
  let failures = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        ...(options.requests ? { requests: options.requests } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      times.push(responseTime);
      if (statusCode >= 400) failures += 1;
    });
  });
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    rps: times.length / options.durationSeconds,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    failures: failures + result.errors + result.timeouts,
  };
}
