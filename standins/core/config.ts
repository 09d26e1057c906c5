/**
 * The stand-in core's configuration, in the shape of the reference core's own
 * config (purposes, auth_methods, comm_methods, authonly_request_keys), and its
 * resolution into lookups: wildcards expanded, method references checked,
 * request keys parsed.
 */
import { createPublicKey, KeyObject } from 'node:crypto';
import { z } from 'zod';

export const PurposeConfig = z.object({
  tag: z.string().min(1),
  /** The purpose in plain words, answered in session_options (an extension; the reference core has none). */
  name: z.string().min(1).max(200).optional(),
  /** Attributes requested from the auth plugin for this purpose. */
  attributes: z.array(z.string()),
  /** Auth method tags, or `"*"` for all. */
  allowed_auth: z.array(z.string()),
  /** Comm method tags, or `"*"` for all. */
  allowed_comm: z.array(z.string()),
});
export type PurposeConfig = z.infer<typeof PurposeConfig>;

export const AuthMethodConfig = z.object({
  tag: z.string().min(1),
  name: z.string(),
  /** Relative to the core's public URL, e.g. `/static/irma.svg`. */
  image_path: z.string(),
  /** Base URL of the auth plugin; the core POSTs to `{start}/start_authentication`. */
  start: z.url(),
  /** Reference option: the plugin cannot POST results, so the core's shim does it. */
  disable_attr_url: z.boolean().optional(),
});
export type AuthMethodConfig = z.infer<typeof AuthMethodConfig>;

export const CommMethodConfig = z.object({
  tag: z.string().min(1),
  name: z.string(),
  image_path: z.string(),
  /** Base URL of the comm plugin; the core POSTs to `{start}/start_communication`. */
  start: z.url(),
  /** HTTP Basic credentials the comm plugin requires, if any. */
  credentials: z.object({ user: z.string(), password: z.string() }).optional(),
});
export type CommMethodConfig = z.infer<typeof CommMethodConfig>;

/** A verification key as the reference writes it: PEM text with its type. */
export const RequestKeyConfig = z.union([
  z.object({ type: z.enum(['RSA', 'EC']), key: z.string().min(1) }),
  z.custom<KeyObject>((value) => value instanceof KeyObject, 'Expected a KeyObject'),
]);
export type RequestKeyConfig = z.infer<typeof RequestKeyConfig>;

export const CoreConfig = z.object({
  purposes: z.array(PurposeConfig),
  auth_methods: z.array(AuthMethodConfig),
  comm_methods: z.array(CommMethodConfig),
  /** Starter name (the JWS `kid`) to public key, for signed `POST /start`. */
  authonly_request_keys: z.record(z.string(), RequestKeyConfig).optional(),
});
export type CoreConfig = z.infer<typeof CoreConfig>;

export interface RequestVerificationKey {
  key: KeyObject;
  /** The one JWS algorithm the reference accepts for this key type. */
  algorithm: 'RS256' | 'ES256';
}

export interface ResolvedPurpose extends PurposeConfig {
  allowedAuth: ReadonlySet<string>;
  allowedComm: ReadonlySet<string>;
}

export interface ResolvedCoreConfig {
  purposes: ReadonlyMap<string, ResolvedPurpose>;
  authMethods: ReadonlyMap<string, AuthMethodConfig>;
  commMethods: ReadonlyMap<string, CommMethodConfig>;
  requestKeys: ReadonlyMap<string, RequestVerificationKey>;
}

function byTag<T extends { tag: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.tag, item]));
}

function expandAllowed(allowed: readonly string[], known: ReadonlyMap<string, unknown>, purpose: string, kind: string): Set<string> {
  if (allowed.includes('*')) return new Set(known.keys());
  for (const tag of allowed) {
    // The reference refuses to start with such a config; so do we.
    if (!known.has(tag)) throw new Error(`Purpose ${purpose} allows unknown ${kind} method ${tag}`);
  }
  return new Set(allowed);
}

function toVerificationKey(name: string, config: RequestKeyConfig): RequestVerificationKey {
  const key = config instanceof KeyObject ? config : createPublicKey(config.key);
  const keyType = key.asymmetricKeyType;
  if (keyType === 'rsa') return { key, algorithm: 'RS256' };
  if (keyType === 'ec') return { key, algorithm: 'ES256' };
  throw new Error(`Request key ${name} is neither RSA nor EC`);
}

export function resolveCoreConfig(input: CoreConfig): ResolvedCoreConfig {
  const config = CoreConfig.parse(input);
  const authMethods = byTag(config.auth_methods);
  const commMethods = byTag(config.comm_methods);
  const purposes = new Map<string, ResolvedPurpose>();
  for (const purpose of config.purposes) {
    purposes.set(purpose.tag, {
      ...purpose,
      allowedAuth: expandAllowed(purpose.allowed_auth, authMethods, purpose.tag, 'auth'),
      allowedComm: expandAllowed(purpose.allowed_comm, commMethods, purpose.tag, 'comm'),
    });
  }
  const requestKeys = new Map<string, RequestVerificationKey>();
  for (const [name, keyConfig] of Object.entries(config.authonly_request_keys ?? {})) {
    requestKeys.set(name, toVerificationKey(name, keyConfig));
  }
  return { purposes, authMethods, commMethods, requestKeys };
}
