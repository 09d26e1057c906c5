/**
 * The whole chain on real loopback ports: the backend (real server), the
 * stand-in core and the stand-in test auth plugin, with keys made here. The
 * one place the stand-ins are assembled for tests: server tests use
 * startStack; the widget tests' Node side and the fuzz use startStandIns
 * (stand-ins.ts, free of vitest) and the keys.
 */
import { createApp } from '../server/src/app.ts';
import { loadConfig, type Config } from '../server/src/config.ts';
import type { Deps } from '../server/src/context.ts';
import { serveApp } from '../server/src/http/serve.ts';
import { MemorySessionStore } from '../server/src/store/memory-store.ts';
import type { CoreStandinOptions } from '../standins/core/standin.ts';
import type { AuthPluginStandinOptions } from '../standins/auth-plugin/standin.ts';
import { afterEach, beforeAll } from 'vitest';
import { recordingLogger, SITE_ORIGIN } from './backend.ts';
import { openSse, type SseReader } from './sse.ts';
import { ecKeyPair, rsaKeyPair, type TestKeyPair } from './keys.ts';
import { startStandIns } from './stand-ins.ts';

export const TEST_PERSON = { bsn: '999993653', fullname: 'Sanne de Vries', email: 'sanne@example.nl' };
export const START_KID = 'id-contact-widget';
export const CHAT_URL = `${SITE_ORIGIN}/chat`;
export const PLUGIN_CREDENTIALS = { user: 'core', password: 'core-secret' };

export interface StackOptions {
  env?: Record<string, string>;
  deps?: Partial<Deps>;
  core?: Partial<Omit<CoreStandinOptions, 'config'>>;
  plugin?: Partial<AuthPluginStandinOptions>;
  signedStart?: boolean;
  keys?: { ours: TestKeyPair; plugin: TestKeyPair; start: TestKeyPair };
}

export function stackKeys() {
  return { ours: rsaKeyPair(), plugin: rsaKeyPair(), start: ecKeyPair() };
}

export async function startStack(options: StackOptions = {}) {
  const keys = options.keys ?? stackKeys();
  let app: ReturnType<typeof createApp> | undefined;
  // Listening first: the core needs our URL for the chat comm method, and our config needs it too.
  const backend = await serveApp({ fetch: (request, env) => app!.fetch(request, env) });
  const { core, plugin, close: closeStandIns } = await startStandIns({
    keys,
    testPerson: TEST_PERSON,
    plugin: options.plugin,
    core: options.core,
    coreConfig: (pluginUrl) => ({
      purposes: [
        // A name for one purpose, none for the other: both answers the core may give.
        { tag: 'report_move', name: 'Verhuizing doorgeven', attributes: ['bsn', 'fullname'], allowed_auth: ['*'], allowed_comm: ['*'] },
        { tag: 'personal_question', attributes: ['email'], allowed_auth: ['irma'], allowed_comm: ['*'] },
      ],
      auth_methods: [
        { tag: 'irma', name: 'Yivi', image_path: '/static/irma.svg', start: pluginUrl },
        { tag: 'digid', name: 'DigiD', image_path: '/static/digid.svg', start: pluginUrl },
      ],
      comm_methods: [{ tag: 'chat', name: 'Chat', image_path: '/static/chat.svg', start: backend.url, credentials: PLUGIN_CREDENTIALS }],
      authonly_request_keys: { [START_KID]: { type: 'EC', key: keys.start.publicPem } },
    }),
  });

  const config: Config = loadConfig({
    IDC_PUBLIC_URL: backend.url,
    IDC_CORE_URL: core.url,
    IDC_DECRYPTION_KEY: keys.ours.privatePem,
    IDC_SIGNATURE_KEYS: keys.plugin.publicPem,
    IDC_ALLOWED_ORIGINS: SITE_ORIGIN,
    IDC_CHAT_URL: CHAT_URL,
    IDC_PLUGIN_AUTH: `${PLUGIN_CREDENTIALS.user}:${PLUGIN_CREDENTIALS.password}`,
    // Released as soon as result and return are in; the settle time has tests of its own (binding.test.ts).
    IDC_BINDING_SETTLE_MS: '0',
    ...(options.signedStart ? { IDC_START_SIGNING_KEY: keys.start.privatePem, IDC_START_KID: START_KID } : {}),
    ...options.env,
  });
  const store = new MemorySessionStore();
  const logger = recordingLogger();
  app = createApp(config, { store, logger, ...options.deps });

  return {
    keys,
    config,
    app,
    store,
    logger,
    core,
    plugin,
    url: backend.url,
    /** The backend's Node server, for tests that need its sockets. */
    server: backend.server,
    async close() {
      await Promise.all([backend.close(), closeStandIns()]);
      await store.close();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** `POST /sessions` as the widget on the allowed site sends it. */
export async function createSession(stack: Stack, body: Record<string, unknown> = { purpose: 'report_move', auth_method: 'irma' }) {
  return fetch(`${stack.url}/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
    body: JSON.stringify(body),
  });
}

/**
 * The user at the stand-in auth plugin's login page: submit "log in" (or "fail"). The plugin
 * delivers the result and answers with the redirect to the continuation (not followed).
 */
export async function logInAtPlugin(loginUrl: string, outcome: 'succes' | 'failed' = 'succes'): Promise<Response> {
  const page = await (await fetch(loginUrl)).text();
  const action = new URL(/<form[^>]*action="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&'), loginUrl);
  return fetch(action, { method: 'POST', body: new URLSearchParams({ outcome }), redirect: 'manual' });
}

/**
 * For a test file: keys made once, and the stack and event streams each test opens,
 * all closed after that test.
 */
export function stacksPerTest() {
  let keys: ReturnType<typeof stackKeys> | undefined;
  let current: Stack | undefined;
  const readers: SseReader[] = [];
  beforeAll(() => {
    keys = stackKeys();
  });
  afterEach(async () => {
    for (const reader of readers.splice(0)) reader.close();
    await current?.close();
    current = undefined;
  });
  return {
    get keys() {
      return keys!;
    },
    async start(options: Omit<StackOptions, 'keys'> = {}) {
      current = await startStack({ keys: keys!, ...options });
      return current;
    },
    async open(url: string, headers?: Record<string, string>) {
      const reader = await openSse(url, headers);
      readers.push(reader);
      return reader;
    },
  };
}
