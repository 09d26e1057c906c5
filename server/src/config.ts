/**
 * Configuration from environment variables, validated once at start.
 * A wrong setting throws a ConfigError naming the variable; key material is
 * never echoed back.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { parsePrivateKey, parsePublicKeys } from './keys.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

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
  /** Where to find the built widget bundles served at /widget.js. */
  widgetDir: string;
  /** The site's chat page, where core-initiated sessions send the user. */
  chatUrl?: string;
  /** Credentials the core must present on `POST /start_communication`. */
  pluginAuth?: BasicCredentials;
  /** How long a session with a session_url stays, for activity and logout, after its result. */
  feedbackTtlSeconds: number;
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
    .default('')
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(origin)),
  IDC_SESSION_TTL_SECONDS: seconds(900),
  IDC_RESULT_GRACE_SECONDS: seconds(60),
  IDC_USE_ATTR_URL: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  IDC_CHAT_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  IDC_PLUGIN_AUTH: credentials.optional(),
  IDC_FEEDBACK_TTL_SECONDS: seconds(8 * 3600),
  IDC_WIDGET_DIR: z.string().min(1).default(new URL('../../dist/widget', import.meta.url).pathname),
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
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const message = issue.code === 'invalid_type' && present[name] === undefined ? 'required' : issue.message;
    throw new ConfigError(`${name}: ${message}`);
  }
  const vars = parsed.data;

  const decryptionKey = required(
    'IDC_DECRYPTION_KEY',
    parseKey('IDC_DECRYPTION_KEY', readSecret(present, 'IDC_DECRYPTION_KEY'), parsePrivateKey),
  );
  const signatureKeys = required(
    'IDC_SIGNATURE_KEYS',
    parseKey('IDC_SIGNATURE_KEYS', readSecret(present, 'IDC_SIGNATURE_KEYS'), parsePublicKeys),
  );
  const startKey = parseKey(
    'IDC_START_SIGNING_KEY',
    readSecret(present, 'IDC_START_SIGNING_KEY'),
    parsePrivateKey,
  );
  if (startKey && !vars.IDC_START_KID) throw new ConfigError('IDC_START_KID: required when IDC_START_SIGNING_KEY is set');
  if (!startKey && vars.IDC_START_KID) throw new ConfigError('IDC_START_SIGNING_KEY: required when IDC_START_KID is set');

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
    widgetDir: vars.IDC_WIDGET_DIR,
    chatUrl: vars.IDC_CHAT_URL,
    pluginAuth: vars.IDC_PLUGIN_AUTH,
    feedbackTtlSeconds: vars.IDC_FEEDBACK_TTL_SECONDS,
  };
}
