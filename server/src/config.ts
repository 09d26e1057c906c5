/**
 * Configuration from environment variables, validated once at start.
 * A wrong setting throws a ConfigError naming the variable; key material is
 * never echoed back.
 */
import { readFileSync } from 'node:fs';
import { hkdfSync, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { parsePrivateKey, parsePublicKeys } from './crypto/keys.ts';

// Kept here, not in tickets.ts or webhook/, so the config reads no module that reads the config.
/** HS256 wants a key at least as long as its output (RFC 7518, section 3.2). */
export const MIN_TICKET_SECRET_BYTES = 32;
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** The Standard Webhooks spec's minimum key size. */
export const MIN_WEBHOOK_SECRET_BYTES = 24;

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Every problem found, one per line of the message: an operator fixes them all in one go. */
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.problems = list;
  }
}

/** What a required variable is for, where "required" alone would not say. */
const REQUIRED_HINTS: Record<string, string> = {
  IDC_ALLOWED_ORIGINS:
    'the origins of the sites that embed the widget, comma-separated (e.g. https://www.gemeente.example); without it every widget fails',
};

export interface BasicCredentials {
  user: string;
  password: string;
}

export interface Config {
  port: number;
  host: string;
  /** The server as browsers reach it, without trailing slash. */
  publicUrl: string;
  /** The server as the core and auth plugins reach it (for attr_url). */
  internalUrl: string;
  coreUrl: string;
  corePublicUrl: string;
  coreAuth?: BasicCredentials;
  decryptionKey: KeyObject;
  signatureKeys: KeyObject[];
  startSigning?: { key: KeyObject; kid: string };
  allowedOrigins: string[];
  sessionTtlSeconds: number;
  /** Whether to give the core an attr_url; without one, results come as `?result=` on the user's URL. */
  useAttrUrl: boolean;
  /** How long a delivered result stays available to a reconnecting stream. */
  resultGraceSeconds: number;
  /**
   * How long a result waits, after it came and the login returned in the browser that started it,
   * before it is released: a return in another browser within it refuses the result (results/binding.ts).
   */
  bindingSettleMs: number;
  /** Where to find the built widget bundles served at /widget.js. */
  widgetDir: string;
  /** The site's chat page, where core-initiated sessions send the user. */
  chatUrl?: string;
  /** Credentials the core must present on `POST /start_communication`; `off` when knowingly open. */
  pluginAuth?: BasicCredentials | 'off';
  /** When set, a result's session_url must be on one of these origins. */
  sessionUrlOrigins?: string[];
  /** Session starts per client address per minute. */
  sessionsPerMinute: number;
  /** How many reverse proxies in front of us append to X-Forwarded-For (0: use the socket's address). */
  trustProxy: number;
  /** Live sessions at most; past it, new ones get 503. */
  maxSessions: number;
  /** Open event streams at most; past it, new ones get 503. */
  maxStreams: number;
  /** Open employee streams (`GET /agent/events`) per conversation, across instances; past it, 429. */
  agentStreamsPerConversation: number;
  /** How long an employee's request to verify stays pending (`POST /agent/requests`). */
  requestTtlSeconds: number;
  /** Open resident request streams (`GET /requests/events`) per conversation, across instances; past it, 429. */
  requestStreamsPerConversation: number;
  /** Logins one conversation may start (`POST /sessions` with a guest ticket) within a ticket's longest life; past it, 429. */
  loginsPerConversation: number;
  /** How long a session with a session_url stays, for activity and logout, after its result. */
  feedbackTtlSeconds: number;
  /** HMAC key of the tickets the site's server signs (the UTF-8 bytes of IDC_TICKET_SECRET). */
  ticketSecret?: Uint8Array;
  /** Origins of the employees' consoles: CORS for /agent/*. */
  agentOrigins: string[];
  /** How long the employee's copy of verified attributes lives after verification. */
  agentRetentionSeconds: number;
  /** Where identity changes are POSTed as signed webhooks (Standard Webhooks), and the `whsec_` secret. */
  webhook?: { url: string; secret: string };
  /** A shared Redis for every piece of state instances share; unset: the in-memory store. */
  redis?: { url: string; prefix: string };
  /** AES-256-GCM key for attributes at rest outside the process (IDC_STORE_KEY, or derived from the decryption key). */
  storeKey: Uint8Array;
  /** Where `GET /metrics` is served, on a listener of its own; unset: no metrics listener. */
  metrics?: { port: number; host: string };
  /** How `npm run server` and the built server write log lines: JSON (one object a line) or text, from `level` up. */
  log: { format: 'json' | 'text'; level: 'info' | 'warn' | 'error' };
}

/** Redis URLs carry passwords: a message about one never quotes it. */
const redisUrl = z.string().refine(
  (value) => URL.canParse(value) && ['redis:', 'rediss:'].includes(new URL(value).protocol) && new URL(value).hostname !== '',
  { error: 'must be a redis:// or rediss:// URL (redis://[user:password@]host:port[/db])' },
);

const storeKey = z.string().transform((value, ctx) => {
  const key = Buffer.from(value, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || key.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be the base64 of 32 random bytes (openssl rand -base64 32)' });
  }
  return new Uint8Array(key);
});

/**
 * Without IDC_STORE_KEY, every instance derives the same key from the decryption key they
 * all hold; Redis never sees either. A separate IDC_STORE_KEY lets the two rotate apart.
 */
function derivedStoreKey(decryptionKey: KeyObject): Uint8Array {
  const secret = decryptionKey.export({ type: 'pkcs8', format: 'der' });
  return new Uint8Array(hkdfSync('sha256', secret, 'id-contact store', 'attributes at rest, AES-256-GCM', 32));
}

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((url) => url.replace(/\/+$/, ''));

const origin = z.url({ protocol: /^https?$/, error: 'must be http(s) origins' }).transform((url, ctx) => {
  const parsed = new URL(url);
  if (parsed.pathname !== '/' || parsed.search || parsed.hash) {
    ctx.addIssue({ code: 'custom', message: `"${url}" is not an origin (scheme://host[:port] only)` });
  }
  return parsed.origin;
});

const credentials = z
  .string()
  .regex(/^[^:]+:.+$/, 'must be user:password')
  .transform((value): BasicCredentials => {
    const at = value.indexOf(':');
    return { user: value.slice(0, at), password: value.slice(at + 1) };
  });

/** Taken as-is: its UTF-8 bytes are the HS256 key, so a site's JWT library can use the same string. */
const ticketSecret = z
  .string()
  .refine((value) => Buffer.byteLength(value, 'utf8') >= MIN_TICKET_SECRET_BYTES, {
    error: `must be at least ${MIN_TICKET_SECRET_BYTES} bytes (e.g. openssl rand -base64 32)`,
  })
  .transform((value) => new Uint8Array(Buffer.from(value, 'utf8')));

// Kept as given (no trailing-slash trimming: it is an endpoint). fetch refuses URLs with credentials.
const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .refine((url) => !URL.canParse(url) || (!new URL(url).username && !new URL(url).password), {
    error: 'must not contain user:password@',
  });

/** Standard Webhooks form: `whsec_` + canonical base64 of the key, as receivers' libraries expect it. */
const webhookSecret = z.string().refine(
  (value) => {
    const base64 = value.slice(WEBHOOK_SECRET_PREFIX.length);
    const key = Buffer.from(base64, 'base64');
    return (
      value.startsWith(WEBHOOK_SECRET_PREFIX) &&
      /^[A-Za-z0-9+/]+={0,2}$/.test(base64) &&
      key.toString('base64') === base64 &&
      key.length >= MIN_WEBHOOK_SECRET_BYTES
    );
  },
  { error: `must be ${WEBHOOK_SECRET_PREFIX} followed by the base64 of at least ${MIN_WEBHOOK_SECRET_BYTES} random bytes` },
);

const seconds = (fallback: number) => z.coerce.number().int().positive().max(86_400).default(fallback);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  IDC_PUBLIC_URL: httpUrl,
  IDC_INTERNAL_URL: httpUrl.optional(),
  IDC_CORE_URL: httpUrl,
  IDC_CORE_PUBLIC_URL: httpUrl.optional(),
  IDC_CORE_AUTH: credentials.optional(),
  IDC_START_KID: z.string().min(1).optional(),
  IDC_ALLOWED_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(origin).min(1, 'must list at least one origin')),
  IDC_SESSION_TTL_SECONDS: seconds(900),
  IDC_RESULT_GRACE_SECONDS: seconds(60),
  IDC_BINDING_SETTLE_MS: z.coerce.number().int().min(0).max(30_000).default(1000),
  IDC_USE_ATTR_URL: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  IDC_CHAT_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  IDC_PLUGIN_AUTH: z.literal('off').or(credentials).optional(),
  IDC_SESSION_URL_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(origin).min(1, 'must list at least one origin'))
    .optional(),
  IDC_SESSIONS_PER_MINUTE: z.coerce.number().int().positive().max(1_000_000).default(20),
  IDC_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  IDC_MAX_SESSIONS: z.coerce.number().int().positive().max(10_000_000).default(10_000),
  IDC_MAX_STREAMS: z.coerce.number().int().positive().max(10_000_000).default(10_000),
  IDC_AGENT_STREAMS_PER_CONVERSATION: z.coerce.number().int().positive().max(10_000).default(10),
  // At least a second (a test can watch one lapse), at most an hour: a request unanswered by then is stale.
  IDC_REQUEST_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  IDC_REQUEST_STREAMS_PER_CONVERSATION: z.coerce.number().int().positive().max(10_000).default(10),
  IDC_LOGINS_PER_CONVERSATION: z.coerce.number().int().positive().max(1_000_000).default(20),
  IDC_FEEDBACK_TTL_SECONDS: seconds(8 * 3600),
  IDC_TICKET_SECRET: ticketSecret.optional(),
  IDC_AGENT_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(origin)),
  IDC_AGENT_RETENTION_SECONDS: seconds(3600),
  IDC_WEBHOOK_URL: webhookUrl.optional(),
  IDC_WEBHOOK_SECRET: webhookSecret.optional(),
  IDC_REDIS_URL: redisUrl.optional(),
  IDC_REDIS_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/, 'must be 1-64 letters, digits or : . - _').default('idc:'),
  IDC_STORE_KEY: storeKey.optional(),
  IDC_WIDGET_DIR: z.string().min(1).default(new URL('../../dist/widget', import.meta.url).pathname),
  IDC_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  IDC_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  IDC_LOG_FORMAT: z.enum(['json', 'text'], { error: 'must be json or text' }).default('json'),
  IDC_LOG_LEVEL: z.enum(['info', 'warn', 'error'], { error: 'must be info, warn or error' }).default('info'),
});

type Env = Record<string, string | undefined>;

/** Reads `NAME` or, failing that, the file named by `NAME_FILE`. */
function readSecret(env: Env, name: string): string | undefined {
  const inline = env[name];
  const file = env[`${name}_FILE`];
  if (inline && file) throw new ConfigError(`${name}: set either ${name} or ${name}_FILE, not both`);
  if (inline) return inline.replace(/\\n/g, '\n');
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function parseKey<T>(name: string, pem: string | undefined, parse: (pem: string) => T): T | undefined {
  if (pem === undefined) return undefined;
  try {
    return parse(pem);
  } catch (error) {
    // The parser's message never contains key material; node's may be vague, so keep it short.
    const reason = error instanceof Error && !/BEGIN|END/.test(error.message) ? error.message : 'not a valid key';
    throw new ConfigError(`${name}: ${reason}`);
  }
}

function required<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw new ConfigError(`${name}: required (or ${name}_FILE)`);
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  // Empty strings count as unset, so `.env` files may list a variable blank.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const issue of parsed.error?.issues ?? []) {
    const name = String(issue.path[0] ?? 'environment');
    if (seen.has(name)) continue; // one line per variable
    seen.add(name);
    const missing = issue.code === 'invalid_type' && present[name] === undefined;
    const hint = REQUIRED_HINTS[name];
    problems.push(`${name}: ${missing ? (hint ? `required: ${hint}` : 'required') : issue.message}`);
  }
  /** Runs a check; its ConfigError is noted, so the rest are still checked. */
  const check = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const problem = (when: unknown, message: string) => void (when && problems.push(message));

  const decryptionKey = check(() =>
    required('IDC_DECRYPTION_KEY', parseKey('IDC_DECRYPTION_KEY', readSecret(present, 'IDC_DECRYPTION_KEY'), parsePrivateKey)),
  );
  const signatureKeys = check(() =>
    required('IDC_SIGNATURE_KEYS', parseKey('IDC_SIGNATURE_KEYS', readSecret(present, 'IDC_SIGNATURE_KEYS'), parsePublicKeys)),
  );
  const startKey = check(() => parseKey('IDC_START_SIGNING_KEY', readSecret(present, 'IDC_START_SIGNING_KEY'), parsePrivateKey));
  const startKeySet = present.IDC_START_SIGNING_KEY !== undefined || present.IDC_START_SIGNING_KEY_FILE !== undefined;
  problem(startKeySet && !present.IDC_START_KID, 'IDC_START_KID: required when IDC_START_SIGNING_KEY is set');
  problem(!startKeySet && present.IDC_START_KID, 'IDC_START_SIGNING_KEY: required when IDC_START_KID is set');
  problem(
    present.IDC_CHAT_URL && !present.IDC_PLUGIN_AUTH,
    'IDC_PLUGIN_AUTH: required when IDC_CHAT_URL is set, so only the core can start sessions (user:password; "off" to knowingly accept any caller on a closed network)',
  );
  problem(present.IDC_WEBHOOK_URL && !present.IDC_WEBHOOK_SECRET, 'IDC_WEBHOOK_SECRET: required when IDC_WEBHOOK_URL is set');
  problem(!present.IDC_WEBHOOK_URL && present.IDC_WEBHOOK_SECRET, 'IDC_WEBHOOK_URL: required when IDC_WEBHOOK_SECRET is set');
  const ports = parsed.data;
  problem(
    ports && ports.IDC_METRICS_PORT !== undefined && ports.IDC_METRICS_PORT !== 0 && ports.IDC_METRICS_PORT === ports.PORT,
    'IDC_METRICS_PORT: must differ from PORT (metrics are never served on the public listener)',
  );
  if (problems.length || !parsed.success || !decryptionKey || !signatureKeys) throw new ConfigError(problems);
  const vars = parsed.data;

  return {
    port: vars.PORT,
    host: vars.HOST,
    publicUrl: vars.IDC_PUBLIC_URL,
    internalUrl: vars.IDC_INTERNAL_URL ?? vars.IDC_PUBLIC_URL,
    coreUrl: vars.IDC_CORE_URL,
    corePublicUrl: vars.IDC_CORE_PUBLIC_URL ?? vars.IDC_CORE_URL,
    coreAuth: vars.IDC_CORE_AUTH,
    decryptionKey,
    signatureKeys,
    startSigning: startKey && vars.IDC_START_KID ? { key: startKey, kid: vars.IDC_START_KID } : undefined,
    allowedOrigins: vars.IDC_ALLOWED_ORIGINS,
    sessionTtlSeconds: vars.IDC_SESSION_TTL_SECONDS,
    useAttrUrl: vars.IDC_USE_ATTR_URL === 'true',
    resultGraceSeconds: vars.IDC_RESULT_GRACE_SECONDS,
    bindingSettleMs: vars.IDC_BINDING_SETTLE_MS,
    widgetDir: vars.IDC_WIDGET_DIR,
    chatUrl: vars.IDC_CHAT_URL,
    pluginAuth: vars.IDC_PLUGIN_AUTH,
    feedbackTtlSeconds: vars.IDC_FEEDBACK_TTL_SECONDS,
    sessionUrlOrigins: vars.IDC_SESSION_URL_ORIGINS,
    sessionsPerMinute: vars.IDC_SESSIONS_PER_MINUTE,
    trustProxy: vars.IDC_TRUST_PROXY,
    maxSessions: vars.IDC_MAX_SESSIONS,
    maxStreams: vars.IDC_MAX_STREAMS,
    agentStreamsPerConversation: vars.IDC_AGENT_STREAMS_PER_CONVERSATION,
    loginsPerConversation: vars.IDC_LOGINS_PER_CONVERSATION,
    requestTtlSeconds: vars.IDC_REQUEST_TTL_SECONDS,
    requestStreamsPerConversation: vars.IDC_REQUEST_STREAMS_PER_CONVERSATION,
    ticketSecret: vars.IDC_TICKET_SECRET,
    agentOrigins: vars.IDC_AGENT_ORIGINS,
    agentRetentionSeconds: vars.IDC_AGENT_RETENTION_SECONDS,
    webhook:
      vars.IDC_WEBHOOK_URL && vars.IDC_WEBHOOK_SECRET ? { url: vars.IDC_WEBHOOK_URL, secret: vars.IDC_WEBHOOK_SECRET } : undefined,
    redis: vars.IDC_REDIS_URL ? { url: vars.IDC_REDIS_URL, prefix: vars.IDC_REDIS_PREFIX } : undefined,
    storeKey: vars.IDC_STORE_KEY ?? derivedStoreKey(decryptionKey),
    metrics: vars.IDC_METRICS_PORT === undefined ? undefined : { port: vars.IDC_METRICS_PORT, host: vars.IDC_METRICS_HOST },
    log: { format: vars.IDC_LOG_FORMAT, level: vars.IDC_LOG_LEVEL },
  };
}
