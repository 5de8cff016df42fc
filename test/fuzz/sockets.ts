/**
 * Raw HTTP over a real socket, for what `inject()` cannot send: headers past Node's 16 kB limit,
 * huge request lines, broken request lines and header bytes. Node's parser refuses these before
 * any route runs; the answer must still be in the error envelope.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { App } from '../../src/app.js';
import type { Answer } from './verdict.js';

export interface SocketProbe {
  name: string;
  request: string;
  answer: Answer;
}

const probes: ReadonlyArray<{ name: string; raw: string }> = [
  { name: 'header over 16 kB', raw: `GET /health HTTP/1.1\r\nHost: fuzz\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n` },
  { name: 'URL of 100 kB', raw: `GET /api/v1/students?q=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n` },
  { name: 'broken request line', raw: 'GARBAGE\r\n\r\n' },
  { name: 'NUL byte in the URL', raw: 'GET /api/v1/public/teachers?q=a\u0000b HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n' },
  { name: 'control byte in a header', raw: 'GET /health HTTP/1.1\r\nHost: fuzz\r\nX-Bad: a\u0001b\r\nConnection: close\r\n\r\n' },
  { name: 'bad percent-encoding in the path', raw: 'GET /api/v1/students/%E0%A4%A HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n' },
  {
    name: 'non-numeric Content-Length',
    raw: 'POST /api/v1/auth/login HTTP/1.1\r\nHost: fuzz\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}',
  },
  {
    name: 'Content-Length and Transfer-Encoding together',
    raw: 'POST /api/v1/auth/login HTTP/1.1\r\nHost: fuzz\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
  },
  { name: 'unknown HTTP version', raw: 'GET /health HTTP/9.9\r\nHost: fuzz\r\nConnection: close\r\n\r\n' },
];

/** Splits a raw HTTP/1.1 response (Content-Length or chunked) into an Answer. */
function parseResponse(raw: Buffer): Answer {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end >= 0 ? text.slice(0, end) : text;
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = end >= 0 ? raw.subarray(end + 4) : Buffer.alloc(0);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const chunks: Buffer[] = [];
    let rest = body;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      const size = lineEnd < 0 ? 0 : parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (!size) break;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    body = Buffer.concat(chunks);
  }
  return { statusCode: Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body: body.toString('utf8') };
}

/** Sends `raw` and reads until the server closes the connection (or 10 s pass). */
function exchange(port: number, raw: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.from(raw, 'latin1')));
    const done = () => resolve(Buffer.concat(chunks));
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

/**
 * Sends every probe to the app's own HTTP server (its client-error handling included), listening
 * on a free port of 127.0.0.1 only for the probes. The app itself stays un-listened.
 */
export async function probeSockets(app: App): Promise<SocketProbe[]> {
  const server = app.server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const results: SocketProbe[] = [];
    for (const probe of probes) {
      const answer = parseResponse(await exchange(port, probe.raw));
      results.push({ name: probe.name, request: probe.raw.split('\r\n')[0]!, answer });
    }
    return results;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
