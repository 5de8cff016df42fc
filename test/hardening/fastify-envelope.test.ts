import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';
import { collect, parseAnswers, sendBodyBeforeReading, sendRaw, type RawAnswer } from './raw-http.js';

// The answers Node's HTTP parser and Fastify's router give on their own (431, 400, 414, 413, 503)
// used to leave the error envelope, and the 414 echoed the whole path. Tested over a real port:
// inject() skips the HTTP parser.

let t: TestApp;
let port = 0;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await t?.close();
});

function expectEnvelope(answer: RawAnswer | undefined, status: number, code: string): { message: string; requestId: string } {
  expect(answer, 'an answer').toBeDefined();
  expect(answer!.status).toBe(status);
  expect(answer!.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(answer!.body) as { error: { code: string; message: string; requestId: string } };
  expect(body.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
  expect(Object.keys(body)).toEqual(['error']);
  expect(answer!.headers['x-request-id']).toBe(body.error.requestId);
  return body.error;
}

const get = (path: string, headers = ''): Promise<{ text: string }> => sendRaw(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${headers}\r\n`);

describe("the HTTP parser's refusals", () => {
  it('answers headers over 16 kB with 431 in the envelope', async () => {
    const { text } = await get('/health', `X-Padding: ${'a'.repeat(20_000)}\r\n`);
    expectEnvelope(parseAnswers(text)[0], 431, 'headers_too_large');
  });

  it('answers a query string over 16 kB with 431 in the envelope', async () => {
    const { text } = await get(`/api/v1/public/teachers?instrument=${'a'.repeat(20_000)}`);
    expectEnvelope(parseAnswers(text)[0], 431, 'headers_too_large');
  });

  it('answers a request that is not HTTP with 400 in the envelope', async () => {
    const { text } = await sendRaw(port, 'HELLO THERE\r\n\r\n');
    expectEnvelope(parseAnswers(text)[0], 400, 'bad_request');
  });
});

describe("the router's refusals", () => {
  it('answers malformed percent-encoding with 400 in the envelope, without echoing the path', async () => {
    const { text } = await get('/api/v1/settings/%E0%A4%A');
    const error = expectEnvelope(parseAnswers(text)[0], 400, 'bad_request');
    expect(text).not.toContain('%E0%A4%A');
    expect(error.message).toBe('The URL is not valid');
  });

  it('answers a path segment over 100 characters with 414 in the envelope, without echoing the path', async () => {
    const segment = 'k'.repeat(300);
    const { text } = await get(`/api/v1/settings/${segment}`);
    expectEnvelope(parseAnswers(text)[0], 414, 'uri_too_long');
    expect(text).not.toContain('kkkkkkkkkk');
  });
});

describe('request bodies', () => {
  it('lets a client that sends its whole body before reading read the 413', async () => {
    const admin = await createUser(t.database.db, 'admin');
    const size = 6_000_000;
    const head = `POST /api/v1/closures HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${admin.headers.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`;
    const { text, error } = await sendBodyBeforeReading(port, head, Buffer.alloc(size, 'a'));
    expect(error).toBeUndefined();
    const error413 = expectEnvelope(parseAnswers(text)[0], 413, 'payload_too_large');
    expect(error413.message).toBe('The request body is too large');
  }, 60_000);

  it('answers malformed JSON with a fixed message naming the body, not the parser', async () => {
    const admin = await createUser(t.database.db, 'admin');
    for (const payload of ['{"name":', '']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/closures', headers: { ...admin.headers, 'content-type': 'application/json' }, payload });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.error).toMatchObject({ code: 'bad_request', message: 'Malformed JSON body', details: [{ field: 'body' }] });
      expect(res.body).not.toMatch(/JSON\.parse|Unexpected|position|content-type/i);
    }
  });
});

describe('shutting down', () => {
  it('answers a request that arrives while the app closes with 503 in the envelope', async () => {
    let entered!: () => void;
    let release!: () => void;
    let closeStarted!: () => void;
    let refused!: () => void;
    const slowEntered = new Promise<void>((resolve) => (entered = resolve));
    const slowReleased = new Promise<void>((resolve) => (release = resolve));
    const closing = new Promise<void>((resolve) => (closeStarted = resolve));
    const refusal = new Promise<void>((resolve) => (refused = resolve));
    const own = await createTestApp({
      beforeReady: (app) => {
        app.get('/test/slow', { config: { access: 'public' } }, async () => {
          entered();
          await slowReleased;
          return { ok: true };
        });
        app.addHook('preClose', (done) => {
          closeStarted();
          done();
        });
        app.addHook('onSend', (_request, reply, payload, done) => {
          if (reply.statusCode === 503) refused();
          done(null, payload);
        });
      },
    });
    try {
      await own.app.listen({ port: 0, host: '127.0.0.1' });
      const socket = connect((own.app.server.address() as { port: number }).port, '127.0.0.1');
      const received = collect(socket);
      socket.write('GET /test/slow HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await slowEntered;
      const closed = own.app.close();
      await closing;
      socket.write('GET /api/v1/public/pricing HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await refusal;
      release();
      const answers = parseAnswers((await received).text);
      await closed;
      expect(answers[0]!.status).toBe(200);
      const error = expectEnvelope(answers[1], 503, 'unavailable');
      expect(error.message).toMatch(/shutting down/);
    } finally {
      release();
      await own.database.dispose();
    }
  }, 60_000);
});
