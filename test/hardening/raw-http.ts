import { connect, type Socket } from 'node:net';

/** One HTTP/1.1 answer read off a raw socket. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Splits the bytes a server sent into its answers (Content-Length framing only). */
export function parseAnswers(text: string): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const [statusLine, ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = headEnd + 4;
    answers.push({ status: Number(statusLine!.split(' ')[1]), headers, body: rest.slice(bodyStart, bodyStart + length) });
    rest = rest.slice(bodyStart + length);
  }
  return answers;
}

/** Everything the server sends on one connection until it closes, and a socket error if any. */
export function collect(socket: Socket): Promise<{ text: string; error?: string }> {
  return new Promise((resolve) => {
    let text = '';
    let error: string | undefined;
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => resolve(error === undefined ? { text } : { text, error }));
  });
}

/** Sends `request` as is (half-closing afterwards) and reads until the server closes. */
export async function sendRaw(port: number, request: string): Promise<{ text: string; error?: string }> {
  const socket = connect(port, '127.0.0.1');
  const done = collect(socket);
  socket.end(request);
  return done;
}

/**
 * Sends `head` and then `body` without reading anything until the whole body is written (as
 * many simple clients do), then reads what the server sent.
 */
export function sendBodyBeforeReading(port: number, head: string, body: Buffer): Promise<{ text: string; error?: string }> {
  const socket = connect(port, '127.0.0.1');
  socket.pause();
  const done = collect(socket);
  socket.write(head);
  let offset = 0;
  const pump = (): void => {
    while (offset < body.length) {
      const chunk = body.subarray(offset, offset + 65_536);
      offset += chunk.length;
      if (!socket.write(chunk)) {
        socket.once('drain', pump);
        return;
      }
    }
    socket.resume();
    socket.end();
  };
  pump();
  return done;
}
