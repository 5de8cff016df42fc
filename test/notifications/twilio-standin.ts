/**
 * A local stand-in for Twilio's Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json,
 * form-encoded, basic auth), for TWILIO_API_URL. It checks the credentials, keeps each SMS, and
 * can answer the next requests with a given error status.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  to: string;
  from: string;
  body: string;
  sid: string;
}

export interface TwilioStandIn {
  url: string;
  accountSid: string;
  authToken: string;
  messages: ReceivedSms[];
  /** Answers the next `count` requests with `status` (e.g. 503 temporary, 400 permanent). */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

export async function startTwilioStandIn(accountSid = 'AC0123456789abcdef', authToken = 'test-auth-token'): Promise<TwilioStandIn> {
  const messages: ReceivedSms[] = [];
  let failures = 0;
  let failStatus = 503;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: object): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) return reply(404, { code: 20404, message: 'not found' });
      if (req.headers.authorization !== expectedAuth) return reply(401, { code: 20003, message: 'Authenticate' });
      if (failures > 0) {
        failures -= 1;
        return reply(failStatus, { code: failStatus === 400 ? 21211 : 20500, message: failStatus === 400 ? "The 'To' number is not valid" : 'Service unavailable' });
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const sms = { to: form.get('To') ?? '', from: form.get('From') ?? '', body: form.get('Body') ?? '', sid: `SM${messages.length + 1}${Date.now()}` };
      messages.push(sms);
      reply(201, { sid: sms.sid, status: 'queued' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    failNext(count, status) {
      failures = count;
      failStatus = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
