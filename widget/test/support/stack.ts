/**
 * Node side of the widget's flow tests: the real backend (twice: one with a
 * two-second session lifetime for expiry), the stand-in core and the test auth
 * plugin, on loopback ports, with keys made here. The browser page (another
 * origin, like a municipality's site) talks to them over real HTTP.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createApp } from '../../../server/src/app.ts';
import { loadConfig } from '../../../server/src/config.ts';
import { CoreError, createCoreClient, type CoreClient } from '../../../server/src/core-client.ts';
import { serveApp } from '../../../server/src/serve.ts';
import { startAuthPluginStandin } from '../../../demo/src/auth-plugin/standin.ts';
import { startCoreStandin } from '../../../demo/src/core/standin.ts';
import type { CoreConfig } from '../../../demo/src/core/config.ts';

export const TEST_PERSON = {
  bsn: '999993653',
  fullname: 'Sanne de Vries',
  email: 'sanne@example.nl',
  // Not a known tag: shown under its raw name.
  shoe_size: '42',
  // Must come out as text, not markup.
  remark: '<b>not bold</b><img src=x onerror="window.__idcPwned=2">',
};

/** A method name that would run script if anything rendered it as HTML. */
export const HOSTILE_NAME = '<img src=x onerror="window.__idcPwned=1"><b>Bold</b>';

function rsa() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface StackInfo {
  /** Backend with the usual session lifetime. */
  backend: string;
  /** Backend whose sessions expire after two seconds. */
  shortBackend: string;
  core: string;
  plugin: string;
}

/** `down`: the backend's core calls fail as if the core were unreachable; `hang`: they wait until the mode changes. */
export type CoreMode = 'up' | 'down' | 'hang';

export interface Stack {
  info: StackInfo;
  setCoreMode(mode: CoreMode): void;
  /** Cuts every open connection to the backends, event streams included. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startStack(allowedOrigins: string[]): Promise<Stack> {
  const ours = rsa();
  const pluginKeys = rsa();
  const plugin = await startAuthPluginStandin({
    signingKey: pluginKeys.privateKey,
    encryptionKey: ours.publicKey,
    testPerson: TEST_PERSON,
  });
  const method = (tag: string, name: string) => ({ tag, name, image_path: `/static/${tag}.svg`, start: plugin.url });
  const coreConfig: CoreConfig = {
    purposes: [
      { tag: 'report_move', attributes: ['bsn', 'fullname', 'email', 'shoe_size', 'remark'], allowed_auth: ['irma', 'digid'], allowed_comm: [] },
      { tag: 'no_methods', attributes: ['email'], allowed_auth: [], allowed_comm: [] },
      { tag: 'hostile_names', attributes: ['email'], allowed_auth: ['hostile'], allowed_comm: [] },
    ],
    auth_methods: [method('irma', 'Yivi'), method('digid', 'DigiD'), method('hostile', HOSTILE_NAME)],
    comm_methods: [],
  };
  const core = await startCoreStandin({ config: coreConfig });

  let mode: CoreMode = 'up';
  const whenUp = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let waited = 0; mode === 'hang' && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    if (mode !== 'up') throw new CoreError('the ID Contact core is unreachable');
    return call();
  };
  const backendFor = async (ttlSeconds: number) => {
    let app: ReturnType<typeof createApp> | undefined;
    const running = await serveApp({ fetch: (request) => app!.fetch(request) });
    const config = loadConfig({
      IDC_PUBLIC_URL: running.url,
      IDC_CORE_URL: core.url,
      IDC_DECRYPTION_KEY: ours.privatePem,
      IDC_SIGNATURE_KEYS: pluginKeys.publicPem,
      IDC_ALLOWED_ORIGINS: allowedOrigins.join(','),
      IDC_SESSION_TTL_SECONDS: String(ttlSeconds),
    });
    const real = createCoreClient(config);
    const switchable: CoreClient = {
      sessionOptions: (purpose) => whenUp(() => real.sessionOptions(purpose)),
      start: (request) => whenUp(() => real.start(request)),
    };
    const quiet = { info() {}, warn() {}, error() {} };
    app = createApp(config, { core: switchable, logger: quiet, optionsCacheMs: 0 });
    return running;
  };
  const backend = await backendFor(900);
  const shortBackend = await backendFor(2);

  return {
    info: { backend: backend.url, shortBackend: shortBackend.url, core: core.url, plugin: plugin.url },
    setCoreMode(next) {
      mode = next;
    },
    dropConnections() {
      backend.server.closeAllConnections();
      shortBackend.server.closeAllConnections();
    },
    async close() {
      await Promise.all([backend.close(), shortBackend.close(), core.close(), plugin.close()]);
    },
  };
}
