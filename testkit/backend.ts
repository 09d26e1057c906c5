/**
 * A backend for tests: real config (keys generated here, PEM through the same
 * loadConfig as production), a real store, and helpers to open sessions.
 */
import { loadConfig, type Config } from '../server/src/config.ts';
import { createApp } from '../server/src/app.ts';
import type { Deps } from '../server/src/context.ts';
import type { Logger } from '../server/src/observability/logger.ts';
import { digest, randomSecret } from '../server/src/crypto/secrets.ts';
import { MemorySessionStore } from '../server/src/store/memory-store.ts';
import { rsaKeyPair, type TestKeyPair } from './keys.ts';

export const SITE_ORIGIN = 'https://gemeente.example';

/** Captures every log line, so tests can assert what is (not) logged. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, info: record('info'), warn: record('warn'), error: record('error') };
}

export interface TestBackendOptions {
  env?: Record<string, string>;
  deps?: Partial<Deps>;
  ours?: TestKeyPair;
  plugin?: TestKeyPair;
}

export function testBackend(options: TestBackendOptions = {}) {
  const ours = options.ours ?? rsaKeyPair();
  const plugin = options.plugin ?? rsaKeyPair();
  const config: Config = loadConfig({
    IDC_PUBLIC_URL: 'https://idc.gemeente.example',
    IDC_INTERNAL_URL: 'http://idc-backend.internal:8080',
    IDC_CORE_URL: 'http://127.0.0.1:9',
    IDC_DECRYPTION_KEY: ours.privatePem,
    IDC_SIGNATURE_KEYS: plugin.publicPem,
    IDC_ALLOWED_ORIGINS: SITE_ORIGIN,
    ...options.env,
  });
  const store = new MemorySessionStore();
  const logger = recordingLogger();
  const app = createApp(config, { store, logger, heartbeatMs: 60_000, ...options.deps });
  return { config, app, store, logger, ours, plugin };
}

/** A session as POST /sessions makes it, without a core: for intake and stream tests. */
export async function seedSession(store: MemorySessionStore, ttlSeconds = 900, returnUrl?: string) {
  const session = { id: randomSecret(), token: randomSecret(), attrId: randomSecret() };
  const now = Date.now();
  await store.create({
    id: session.id,
    identityId: randomSecret(),
    purpose: 'report_move',
    authMethod: 'irma',
    returnUrl,
    streamTokenDigest: digest(session.token),
    attrIdDigest: digest(session.attrId),
    createdAt: now,
    expiresAt: now + ttlSeconds * 1000,
  });
  return session;
}
