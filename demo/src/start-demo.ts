/**
 * The whole flow on one machine: the test auth plugin, the ID Contact core,
 * our backend and the municipality's chat page, each on its own loopback
 * port as they would be on separate hosts. `npm start` (main.ts) and the
 * end-to-end tests both start it through `startDemo`.
 */
import { randomBytes } from 'node:crypto';
import { createApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { silentLogger, type Logger } from '../../server/src/observability/logger.ts';
import { serveApp } from '../../server/src/http/serve.ts';
import { MemorySessionStore } from '../../server/src/store/memory-store.ts';
import { WebhookSender } from '../../server/src/webhook/webhook-sender.ts';
import { DEMO_TEST_PERSON } from '../../standins/auth-plugin/demo-test-person.ts';
import { startAuthPluginStandin, type AuthPluginStandin } from '../../standins/auth-plugin/standin.ts';
import { createChatApp, WEBHOOK_PATH } from './chat/app.ts';
import { ticketMinter, type TicketMinter } from './chat/tickets.ts';
import type { ReceivedWebhook } from './chat/webhook-receiver.ts';
import { createDemoCoreConfig, DEMO_START_PAGE } from '../../standins/core/demo-config.ts';
import { startCoreStandin, type CoreStandin } from '../../standins/core/standin.ts';
import { START_PAGE_PATH } from '../../standins/core/start-page.ts';
import { DEFAULT_KEYS_DIR, loadDemoKeys, loadDemoSecrets } from './demo-keys.ts';
import { serve } from '../../standins/serve.ts';

export type DemoPart = 'chat' | 'backend' | 'core' | 'authPlugin';
export type DemoPorts = Record<DemoPart, number>;

export const DEFAULT_PORTS: DemoPorts = { chat: 3000, backend: 8080, core: 8000, authPlugin: 8001 };
/** Free ports picked by the OS: for tests, which may run next to a running demo. */
export const EPHEMERAL_PORTS: DemoPorts = { chat: 0, backend: 0, core: 0, authPlugin: 0 };

/** The name our backend signs its start requests with, as the core knows it. */
export const START_KID = 'gemeente-voorbeeld-chat';

export interface DemoOptions {
  ports?: Partial<DemoPorts>;
  /** Sign `POST /start` (ES256), with a core that refuses the plain form, as newer cores do. */
  signedStart?: boolean;
  /** false: no attr_url, so the result comes back as `?result=` on the return page. Default true. */
  useAttrUrl?: boolean;
  /** The auth plugin keeps a login session (session_url): the widget offers Logout, the chat reports activity. */
  loginSession?: boolean;
  /** Where keys are kept between runs; null: fresh keys in memory. Default demo/.keys. */
  keysDir?: string | null;
  /** The backend's request log; silent by default. */
  logger?: Logger;
  /** Each signed webhook the chat site received (type and conversation only). */
  onWebhook?: (event: ReceivedWebhook) => void;
}

export interface Demo {
  /**
   * Each part's base URL, the core's start page (where a person starts a chat
   * the core sets up) and the employee console (the newest conversation).
   */
  urls: Record<DemoPart | 'startPage' | 'agentConsole', string>;
  /** Mints tickets as the chat site does, for tests (an expired host ticket, say). */
  tickets: TicketMinter;
  /** The webhooks the chat site received, oldest first. */
  webhooks: ReceivedWebhook[];
  /** The stand-ins, for tests that check what went over the wire. */
  core: CoreStandin;
  authPlugin: AuthPluginStandin;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly part: DemoPart,
    readonly port: number,
  ) {
    super(`port ${port} (for the ${part}) is already in use`);
  }
}

async function listening<T>(part: DemoPart, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(part, port);
    throw error;
  }
}

/** The same origin under the name `localhost`, which people type as often as 127.0.0.1. */
function localhostAlias(url: string): string[] {
  const parsed = new URL(url);
  if (parsed.hostname !== '127.0.0.1') return [];
  parsed.hostname = 'localhost';
  return [parsed.origin];
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const keysDir = options.keysDir === undefined ? DEFAULT_KEYS_DIR : options.keysDir;
  const keys = loadDemoKeys(keysDir);
  const secrets = loadDemoSecrets(keysDir);
  const webhooks: ReceivedWebhook[] = [];
  // Only the core may start conversations: it and the backend share these for this run.
  const coreCredentials = { user: 'core', password: randomBytes(18).toString('base64url') };
  const running: Array<{ close(): Promise<void> }> = [];
  const closeAll = () => Promise.all(running.splice(0).map((part) => part.close())).then(() => undefined);

  try {
    // The backend listens first, answering 503 until configured: its URL goes into
    // the core's config and the chat page, and its config needs theirs.
    let backendApp: ReturnType<typeof createApp> | undefined;
    const backend = await listening('backend', ports.backend, () =>
      serveApp({ fetch: (request, env) => backendApp?.fetch(request, env) ?? new Response('starting', { status: 503 }) }, { port: ports.backend }),
    );
    running.push(backend);

    const authPlugin = await listening('authPlugin', ports.authPlugin, () =>
      startAuthPluginStandin({
        signingKey: keys.pluginSigning.privateKey,
        encryptionKey: keys.decryption.publicKey,
        testPerson: DEMO_TEST_PERSON,
        withSession: options.loginSession ?? false,
        port: ports.authPlugin,
      }),
    );
    running.push(authPlugin);

    const core = await listening('core', ports.core, () =>
      startCoreStandin({
        config: createDemoCoreConfig({
          authPluginUrl: authPlugin.url,
          commPluginUrl: backend.url,
          commPluginCredentials: coreCredentials,
          authonlyRequestKeys: options.signedStart ? { [START_KID]: { type: 'EC', key: keys.startSigning.publicPem } } : {},
        }),
        rejectPlainStart: options.signedStart ?? false,
        startPage: DEMO_START_PAGE,
        port: ports.core,
      }),
    );
    running.push(core);

    const chat = await listening('chat', ports.chat, () =>
      serve(
        createChatApp({
          backendUrl: backend.url,
          iconsUrl: core.url,
          ticketSecret: secrets.ticketSecret,
          webhookSecret: secrets.webhookSecret,
          onWebhook: (event) => {
            webhooks.push(event);
            options.onWebhook?.(event);
          },
        }),
        { port: ports.chat },
      ),
    );
    running.push(chat);

    const config = loadConfig({
      IDC_PUBLIC_URL: backend.url,
      IDC_CORE_URL: core.url,
      IDC_DECRYPTION_KEY: keys.decryption.privatePem,
      IDC_SIGNATURE_KEYS: keys.pluginSigning.publicPem,
      IDC_ALLOWED_ORIGINS: [new URL(chat.url).origin, ...localhostAlias(chat.url)].join(','),
      // The chat site is also where the employee console is served.
      IDC_AGENT_ORIGINS: [new URL(chat.url).origin, ...localhostAlias(chat.url)].join(','),
      IDC_TICKET_SECRET: secrets.ticketSecret,
      IDC_WEBHOOK_URL: `${chat.url}${WEBHOOK_PATH}`,
      IDC_WEBHOOK_SECRET: secrets.webhookSecret,
      IDC_USE_ATTR_URL: options.useAttrUrl === false ? 'false' : 'true',
      // Where a conversation the core starts (user chose login and chat there) lands.
      IDC_CHAT_URL: chat.url,
      IDC_PLUGIN_AUTH: `${coreCredentials.user}:${coreCredentials.password}`,
      // One person trying every path on a laptop starts more logins than a resident does.
      IDC_SESSIONS_PER_MINUTE: '120',
      ...(options.signedStart ? { IDC_START_SIGNING_KEY: keys.startSigning.privatePem, IDC_START_KID: START_KID } : {}),
    });
    const store = new MemorySessionStore();
    running.push({ close: () => store.close() });
    const logger = options.logger ?? silentLogger;
    // Made here rather than by createApp, so stopping the demo stops its retries too.
    const webhookSender = new WebhookSender({ ...config.webhook!, logger });
    running.push({ close: () => webhookSender.close() });
    backendApp = createApp(config, { store, logger, webhooks: webhookSender });

    return {
      urls: {
        chat: chat.url,
        backend: backend.url,
        core: core.url,
        authPlugin: authPlugin.url,
        startPage: `${core.url}${START_PAGE_PATH}`,
        agentConsole: `${chat.url}/agent`,
      },
      tickets: ticketMinter(secrets.ticketSecret),
      webhooks,
      core,
      authPlugin,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
