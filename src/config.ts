import { z } from 'zod';

/**
 * Runtime configuration, read from environment variables only.
 * This module is the single reader of `process.env` in the application.
 * Every variable is documented in the README's configuration table.
 */

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const logFormats = ['auto', 'json', 'pretty'] as const;
/** The AI providers AI_PROVIDERS may name (`compatible`: any OpenAI-compatible server, such as a local model). */
export const aiProviderNames = ['openai', 'anthropic', 'compatible'] as const;
export type AiProviderName = (typeof aiProviderNames)[number];

const booleanFromEnv = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .min(1)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    )
    .optional();

const isValidTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const envSchema = z.object({
  /** TCP port of the HTTP server. Default 8080. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface to listen on. Default 0.0.0.0 (all interfaces). */
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  /** PostgreSQL connection string; unset → embedded PGlite under DATA_DIR. */
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  /** Size of the node-postgres pool when DATABASE_URL is set. Default 20. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  /** Run parameterised statements as named prepared statements (planned once per connection). Default true; false behind a transaction-mode pooler. */
  DATABASE_PREPARED_STATEMENTS: booleanFromEnv.default(true),
  /** How long a signed-in or public read may be served from the read cache, in ms (answers are exact: any data change drops them at once). Default 10000; 0 turns the cache off. */
  READ_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** How long workflows and scheduling rules reuse the school's settings, in ms (a change made in another process shows after at most this). Default 1000; 0 reads them every time. */
  SETTINGS_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
  /** Memory for cached read answers, in MiB. Default 64. */
  READ_CACHE_MAX_MB: z.coerce.number().int().min(1).max(8192).default(64),
  /** Folder for PGlite files and generated secrets. Default ./data. "memory://" keeps PGlite in memory. */
  DATA_DIR: z.string().trim().min(1).default('./data'),
  /** Redis connection string; when set, the workflow queue uses BullMQ instead of pg-boss. */
  REDIS_URL: optionalUrl(['redis:', 'rediss:']),
  /** HMAC secret for access tokens (at least 32 characters). Generated under DATA_DIR when unset in embedded mode. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** E-mail of the first admin, created by the seed. */
  ADMIN_EMAIL: z.email().default('admin@cedarheights.local'),
  /** Password of the first admin; when unset a random one is generated and printed once. */
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  /** IANA time zone of the school; wall-clock rules are expanded in it. */
  SCHOOL_TIMEZONE: z.string().trim().refine(isValidTimeZone, 'must be an IANA time zone such as America/Halifax').default('America/Halifax'),
  /** pino log level. Default info. */
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** Log lines: `json` (one JSON object a line), `pretty` (coloured, for people), `auto` (pretty when stdout is a terminal). Default auto. */
  LOG_FORMAT: z.enum(logFormats).default('auto'),
  /** Comma-separated list of allowed browser origins; empty → CORS disabled. "*" allows any origin. */
  CORS_ORIGINS: z.string().default(''),
  /** Seed the demo school on start when the database is empty. Default true. */
  SEED_DEMO: booleanFromEnv.default(true),
  /** Run a workflow worker inside `serve`. Default true. */
  EMBEDDED_WORKER: booleanFromEnv.default(true),
  /** Jobs a worker runs at the same time. Default 5. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(5),
  /** Whether GET /metrics needs an admin token. Default false (public). */
  METRICS_REQUIRE_AUTH: booleanFromEnv.default(false),
  /** Supabase project JWT secret (HS256): Supabase access tokens are accepted too. */
  SUPABASE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Supabase project URL: Supabase access tokens are verified against its JWKS. */
  SUPABASE_URL: optionalUrl(['https:', 'http:']),
  /** Base URL of the web front end, used in links sent by e-mail (password reset …). */
  PUBLIC_APP_URL: optionalUrl(['https:', 'http:']),
  /** Access-token lifetime in seconds. Default 900 (15 minutes). */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  /** Requests per minute per client IP over the whole API; 0 turns the global limit off. Default 1000. */
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(1000),
  /** Sign-in, refresh and password-reset requests per minute per client IP. Default 10. */
  AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
  /** Requests per minute per client IP on public endpoints (enrollment, timeslots …). Default 60. */
  PUBLIC_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(60),
  /**
   * Trust X-Forwarded-For from this many proxy hops in front of the server (0 = none: the client IP
   * is the socket's, so nobody can dodge the per-IP rate limits with a forged header). Default 0.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Milliseconds to wait for in-flight work on SIGTERM/SIGINT before exiting. Default 10000. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Stripe secret key (sk_test_… / sk_live_…); when set, payments go through Stripe instead of the simulated gateway. */
  STRIPE_SECRET_KEY: z
    .string()
    .trim()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'must look like sk_test_… or sk_live_…')
    .optional(),
  /**
   * Stripe publishable key (pk_test_… / pk_live_…) handed to the parents' card form; when set, the
   * Cards page adds cards with Stripe Elements (a SetupIntent from the gateway) instead of test cards.
   */
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .trim()
    .regex(/^pk_(test|live)_\w+$/, 'must look like pk_test_… or pk_live_…')
    .optional(),
  /** Signing secret of the Stripe webhook endpoint (whsec_…). Also signs the simulated gateway's events. */
  STRIPE_WEBHOOK_SECRET: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  /** Base URL of the Stripe API (tests point it at a local stand-in or stripe-mock). Default https://api.stripe.com. */
  STRIPE_API_URL: optionalUrl(['https:', 'http:']),
  /** SMTP server for e-mail (smtp://user:pass@host:587, smtps://…); unset → mail is kept in the outbox. */
  SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
  /** Sender of the school's e-mail. Default "Cedar Heights Music <office@cedarheights.local>". */
  MAIL_FROM: z.string().trim().min(3).default('Cedar Heights Music <office@cedarheights.local>'),
  /** Twilio account SID; with TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER, SMS go through Twilio, else stay in the outbox. */
  TWILIO_ACCOUNT_SID: z
    .string()
    .trim()
    .regex(/^AC\w+$/, 'must start with AC')
    .optional(),
  /** Twilio auth token. */
  TWILIO_AUTH_TOKEN: z.string().trim().min(8).optional(),
  /** Sender number of SMS, E.164 (+19025550100). */
  TWILIO_FROM_NUMBER: z
    .string()
    .trim()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +19025550100')
    .optional(),
  /** Base URL of the Twilio API (tests point it at a local stand-in). Default https://api.twilio.com. */
  TWILIO_API_URL: optionalUrl(['https:', 'http:']),
  /** Folder of the scheduled backups (daily at 03:00 in the school's zone, each verified); unset → no scheduled backups. `npm run backup` writes here too (default ./backups). */
  BACKUP_DIR: z.string().trim().min(1).optional(),
  /** How many backups the scheduled backup keeps in BACKUP_DIR (older ones are deleted). Default 7. */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  /** AI providers to try, in order (comma-separated: openai, anthropic, compatible). Unset → every provider whose settings are present, in that order; none → the rules drafter only. */
  AI_PROVIDERS: z
    .string()
    .trim()
    .refine((value) => value.split(',').every((name) => (aiProviderNames as readonly string[]).includes(name.trim())), `must list providers among ${aiProviderNames.join(', ')}`)
    .refine((value) => new Set(value.split(',').map((name) => name.trim())).size === value.split(',').length, 'lists a provider twice')
    .optional(),
  /** OpenAI API key; needed when AI_PROVIDERS lists openai. */
  OPENAI_API_KEY: z.string().trim().min(8, 'must be at least 8 characters').optional(),
  /** Base URL of the OpenAI API, with its version (tests point it at a local stand-in). Default https://api.openai.com/v1. */
  OPENAI_BASE_URL: optionalUrl(['https:', 'http:']),
  /** OpenAI model for structured drafts. Default gpt-4o-mini. */
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  /** Anthropic API key; needed when AI_PROVIDERS lists anthropic. */
  ANTHROPIC_API_KEY: z.string().trim().min(8, 'must be at least 8 characters').optional(),
  /** Base URL of the Anthropic API, with its version (tests point it at a local stand-in). Default https://api.anthropic.com/v1. */
  ANTHROPIC_BASE_URL: optionalUrl(['https:', 'http:']),
  /** Anthropic model for structured drafts. Default claude-haiku-4-5. */
  ANTHROPIC_MODEL: z.string().trim().min(1).default('claude-haiku-4-5'),
  /** Base URL of an OpenAI-compatible server (a local model: llama.cpp, vLLM, Ollama …), with its /v1; needed for the `compatible` provider. */
  AI_COMPATIBLE_BASE_URL: optionalUrl(['https:', 'http:']),
  /** Model name on the OpenAI-compatible server; needed for the `compatible` provider. */
  AI_COMPATIBLE_MODEL: z.string().trim().min(1).optional(),
  /** Time limit of one AI provider call, in ms; past it the next provider is tried. Default 20000. */
  AI_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  /** Spending cap of the AI providers per calendar month (school time zone), in cents of the providers' billing currency; once reached the rules drafter answers. Unset → no cap. */
  AI_MONTHLY_BUDGET_CENTS: z.coerce.number().int().min(0).max(100_000_000).optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  port: number;
  host: string;
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number; preparedStatements: boolean };
  dataDir: string;
  /** Read cache of marked GET routes (src/http/read-cache.ts): reuse limit in ms (0 = off) and size in bytes. */
  readCache: { ttlMs: number; maxBytes: number };
  /** SETTINGS_CACHE_MS: how long the workflows' and scheduling rules' copy of the settings is reused, ms (0 = every read). */
  settingsCacheMs: number;
  redisUrl: string | undefined;
  jwtSecret: string | undefined;
  admin: { email: string; password: string | undefined };
  schoolTimezone: string;
  logLevel: Env['LOG_LEVEL'];
  /** LOG_FORMAT: how log lines are written (`auto`: pretty on a terminal, JSON otherwise). */
  logFormat: Env['LOG_FORMAT'];
  corsOrigins: string[];
  seedDemo: boolean;
  embeddedWorker: boolean;
  workerConcurrency: number;
  metricsRequireAuth: boolean;
  shutdownTimeoutMs: number;
  supabase: { jwtSecret: string | undefined; url: string | undefined };
  publicAppUrl: string;
  accessTokenTtlSeconds: number;
  rateLimits: { global: number; auth: number; public: number };
  /** Fastify `trustProxy`: false, or the number of trusted proxy hops. */
  trustProxy: false | number;
  /** Stripe when `secretKey` is set, else the simulated gateway; `publishableKey` turns on the Stripe Elements card form. */
  stripe: { secretKey: string | undefined; publishableKey: string | undefined; webhookSecret: string | undefined; apiUrl: string | undefined };
  mail: { smtpUrl: string | undefined; from: string };
  /** Twilio is used when all three of accountSid, authToken and fromNumber are set. */
  twilio: { accountSid: string | undefined; authToken: string | undefined; fromNumber: string | undefined; apiUrl: string };
  /** Scheduled backups: `dir` unset → none; `keep` newest kept. */
  backups: { dir: string | undefined; keep: number };
  /** AI providers in the order they are tried (empty: the rules drafter only), the time limit of one call and the monthly cap. */
  ai: AiConfig;
}

/** One configured AI provider. `apiKey` is undefined only for `compatible` (local servers need none). */
export interface AiProviderConfig {
  name: AiProviderName;
  model: string;
  /** Base URL including the API version (`…/v1`). */
  baseUrl: string;
  apiKey: string | undefined;
}

export interface AiConfig {
  providers: AiProviderConfig[];
  /** AI_TIMEOUT_MS: limit of one provider call, ms. */
  timeoutMs: number;
  /** AI_MONTHLY_BUDGET_CENTS: cap per calendar month in the school's zone, cents; undefined = no cap. */
  monthlyBudgetCents: number | undefined;
}

/** A configuration error that names the offending variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`Invalid environment variable ${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parse and validate configuration. Empty strings count as unset.
 * Throws ConfigError naming the first bad variable.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const received = cleaned[variable];
    const shown = received === undefined || /SECRET|PASSWORD|URL|KEY/.test(variable) ? '' : ` (got "${received}")`;
    throw new ConfigError(variable, `${issue?.message ?? 'invalid'}${shown}`);
  }
  const env = parsed.data;
  return {
    port: env.PORT,
    host: env.HOST,
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, preparedStatements: env.DATABASE_PREPARED_STATEMENTS }
      : { kind: 'pglite', dataDir: env.DATA_DIR },
    dataDir: env.DATA_DIR,
    readCache: { ttlMs: env.READ_CACHE_TTL_MS, maxBytes: env.READ_CACHE_MAX_MB * 1024 * 1024 },
    settingsCacheMs: env.SETTINGS_CACHE_MS,
    redisUrl: env.REDIS_URL,
    jwtSecret: env.JWT_SECRET,
    admin: { email: env.ADMIN_EMAIL.toLowerCase(), password: env.ADMIN_PASSWORD },
    schoolTimezone: env.SCHOOL_TIMEZONE,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    corsOrigins: env.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    seedDemo: env.SEED_DEMO,
    embeddedWorker: env.EMBEDDED_WORKER,
    workerConcurrency: env.WORKER_CONCURRENCY,
    metricsRequireAuth: env.METRICS_REQUIRE_AUTH,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    supabase: { jwtSecret: env.SUPABASE_JWT_SECRET, url: env.SUPABASE_URL?.replace(/\/+$/, '') },
    publicAppUrl: (env.PUBLIC_APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    trustProxy: env.TRUST_PROXY_HOPS > 0 ? env.TRUST_PROXY_HOPS : false,
    rateLimits: { global: env.RATE_LIMIT_MAX, auth: env.AUTH_RATE_LIMIT_MAX, public: env.PUBLIC_RATE_LIMIT_MAX },
    stripe: { secretKey: env.STRIPE_SECRET_KEY, publishableKey: env.STRIPE_PUBLISHABLE_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET, apiUrl: env.STRIPE_API_URL },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    twilio: {
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      fromNumber: env.TWILIO_FROM_NUMBER,
      apiUrl: (env.TWILIO_API_URL ?? 'https://api.twilio.com').replace(/\/+$/, ''),
    },
    backups: { dir: env.BACKUP_DIR, keep: env.BACKUP_KEEP },
    ai: aiConfigOf(env),
  };
}

/**
 * The AI providers from the environment: those AI_PROVIDERS lists, in its order (each must have
 * its settings), or, when it is unset, every provider whose settings are present.
 */
function aiConfigOf(env: Env): AiConfig {
  const trimSlash = (url: string): string => url.replace(/\/+$/, '');
  const candidates: Record<AiProviderName, { config: AiProviderConfig | undefined; missing: string }> = {
    openai: {
      config: env.OPENAI_API_KEY
        ? { name: 'openai', model: env.OPENAI_MODEL, baseUrl: trimSlash(env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1'), apiKey: env.OPENAI_API_KEY }
        : undefined,
      missing: 'OPENAI_API_KEY',
    },
    anthropic: {
      config: env.ANTHROPIC_API_KEY
        ? { name: 'anthropic', model: env.ANTHROPIC_MODEL, baseUrl: trimSlash(env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com/v1'), apiKey: env.ANTHROPIC_API_KEY }
        : undefined,
      missing: 'ANTHROPIC_API_KEY',
    },
    compatible: {
      config:
        env.AI_COMPATIBLE_BASE_URL && env.AI_COMPATIBLE_MODEL
          ? { name: 'compatible', model: env.AI_COMPATIBLE_MODEL, baseUrl: trimSlash(env.AI_COMPATIBLE_BASE_URL), apiKey: undefined }
          : undefined,
      missing: env.AI_COMPATIBLE_BASE_URL ? 'AI_COMPATIBLE_MODEL' : 'AI_COMPATIBLE_BASE_URL',
    },
  };
  const listed = env.AI_PROVIDERS?.split(',').map((name) => name.trim() as AiProviderName);
  const providers: AiProviderConfig[] = [];
  for (const name of listed ?? aiProviderNames) {
    const { config, missing } = candidates[name];
    if (config) providers.push(config);
    else if (listed) throw new ConfigError(missing, `is required when AI_PROVIDERS lists ${name}`);
  }
  return { providers, timeoutMs: env.AI_TIMEOUT_MS, monthlyBudgetCents: env.AI_MONTHLY_BUDGET_CENTS };
}
