import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * helmet's default security headers (HSTS, CSP, X-Frame-Options, nosniff …) on every answer.
 * helmet is asked once, at start-up, what it would set: with a static configuration its headers
 * never change, and building them per request cost ~6 % of a cached read. Routes that need other
 * values (the docs UI sets its own CSP) override them later in the request. `stripeElements`
 * (a Stripe publishable key is configured): the CSP also lets in Stripe.js and its frames, as
 * Stripe documents (script and frames from js.stripe.com, frames from hooks.stripe.com, calls to
 * api.stripe.com). Default false.
 */
export function installSecurityHeaders(app: FastifyInstance, options: { stripeElements?: boolean } = {}): void {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options.stripeElements ? { contentSecurityPolicy: { directives: stripeDirectives() } } : {})(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    () => undefined,
  );
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** helmet's default CSP directives with Stripe.js allowed. */
function stripeDirectives(): ReturnType<typeof helmet.contentSecurityPolicy.getDefaultDirectives> {
  const directives = { ...helmet.contentSecurityPolicy.getDefaultDirectives() };
  directives['script-src'] = ["'self'", 'https://js.stripe.com'];
  directives['frame-src'] = ["'self'", 'https://js.stripe.com', 'https://hooks.stripe.com'];
  directives['connect-src'] = ["'self'", 'https://api.stripe.com'];
  return directives;
}
