/**
 * Node side of the widget's flow tests: the real backend (twice: one with a
 * two-second session lifetime for expiry), the stand-in core and the test auth
 * plugin, on loopback ports, with keys from testkit/keys.ts and the stand-ins
 * from testkit/stand-ins.ts. The browser page (another origin, like a
 * municipality's site) talks to them over real HTTP.
 */
import { createApp } from '../../../server/src/app.ts';
import { loadConfig } from '../../../server/src/config.ts';
import { CoreError, createCoreClient, type CoreClient } from '../../../server/src/upstream/core-client.ts';
import { serveApp } from '../../../server/src/http/serve.ts';
import { createResultToken } from '../../../standins/auth-plugin/result-token.ts';
import type { SessionFeedbackBehaviour, SessionFeedbackCall } from '../../../standins/auth-plugin/app.ts';
import { startAuthPluginStandin } from '../../../standins/auth-plugin/standin.ts';
import { rsaKeyPair as rsa } from '../../../testkit/keys.ts';
import { startStandIns } from '../../../testkit/stand-ins.ts';
import { mintTicket, newTicketSecret } from '../../../testkit/tickets.ts';
import type { CurrentRequest, VerificationRequest } from '../../../server/src/protocol.ts';
import { startBufferingProxy, type ProxyMode } from './buffering-proxy.ts';

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

export interface StackInfo {
  /** Backend with the usual session lifetime. */
  backend: string;
  /** Backend whose sessions expire after two seconds. */
  shortBackend: string;
  /** Backend that gives the core no attr_url: results come as `?result=` on the chat link. */
  resultBackend: string;
  /** Backend with IDC_TICKET_SECRET: its logins need a guest ticket (`idc-ticket`); the employee's requests are made here. */
  ticketBackend: string;
  /** The same, whose requests expire after two seconds. */
  shortTicketBackend: string;
  /**
   * Takes tickets too, and is reached only through the buffering proxy (buffering-proxy.ts):
   * its public URL is the proxy's.
   */
  proxiedBackend: string;
  core: string;
  plugin: string;
  /** Auth plugin whose logins keep a session (results carry session_url). */
  sessionPlugin: string;
  /** The backends' least time between two forwarded activity reports. */
  activityIntervalMs: number;
}

/** The backends' least time between two forwarded activity reports (60 s in production). */
export const ACTIVITY_INTERVAL_MS = 1000;

/** The core's HTTP Basic credentials for `POST /start_communication` (IDC_PLUGIN_AUTH). */
export const PLUGIN_AUTH = { user: 'core', password: 'test-secret' };

/** A core-initiated session, as the browser gets to see it. */
export interface ChatStart {
  /** Where the core sends the user: the chat page with the reference (and maybe `result`). */
  chatUrl: string;
  /** Only for sessions started directly, with an attr_url: where the result goes. */
  attrUrl?: string;
}

/** `down`: the backend's core calls fail as if the core were unreachable; `hang`: they wait until the mode changes. */
export type CoreMode = 'up' | 'down' | 'hang';

/** Which backend a conversation's requests are made at (all take the same tickets); `proxiedBackend`'s directly, not through the proxy. */
export type TicketBackend = 'ticketBackend' | 'shortTicketBackend' | 'proxiedBackend';

export interface Stack {
  info: StackInfo;
  /** How the proxy in front of `proxiedBackend` passes responses (buffering-proxy.ts). */
  setProxyMode(mode: ProxyMode): void;
  /** `METHOD /path` of each request through the proxy since the last call. */
  proxyLog(): string[];
  /** A ticket for a conversation, signed as the site's server would (the secret never leaves Node). */
  ticket(kind: 'guest' | 'host', conversation: string): Promise<string>;
  /** `POST /agent/requests` with a host ticket of the conversation: the employee asks to verify. */
  askToVerify(backend: TicketBackend, conversation: string, purpose: string): Promise<{ status: number; request?: VerificationRequest }>;
  /** `GET /agent/requests`: the conversation's request as the employee sees it. */
  agentRequest(backend: TicketBackend, conversation: string): Promise<VerificationRequest | null>;
  setCoreMode(mode: CoreMode): void;
  /** Cuts every open connection to the backends, event streams included. */
  dropConnections(): void;
  /**
   * As the core does for a user who chose chat: directly (`/start_communication`,
   * with or without an inline `auth_result`), or through the core's full
   * `/start`, whose login is then completed as the user would (`login`).
   */
  startChat(request: ChatRequest): Promise<ChatStart>;
  /** POSTs a fresh result to an attr_url, as an auth plugin does. */
  deliverResult(attrUrl: string, status: 'succes' | 'failed'): Promise<number>;
  /** A result token signed and encrypted with the right keys, or garbage. */
  resultToken(kind: 'succes' | 'failed' | 'forged'): Promise<string>;
  sessionFeedback(): SessionFeedbackCall[];
  setSessionFeedbackBehaviour(behaviour: SessionFeedbackBehaviour): void;
  close(): Promise<void>;
}

export type ChatRequest =
  | { via: 'direct'; backend: 'backend' | 'resultBackend'; authResult?: 'succes' | 'failed' }
  | { via: 'core'; authMethod: 'irma' | 'irma_session'; commMethod: 'chat' | 'chat_result'; login?: 'succes' | 'failed' };

/**
 * `chatPage`: the chat page the backends send users to (IDC_CHAT_URL); its
 * `?backend=` tells the page which backend it belongs to.
 */
const CHAT_PURPOSE = 'chat_with_us';

export async function startStack(allowedOrigins: string[], chatPage: string): Promise<Stack> {
  const ours = rsa();
  const pluginKeys = rsa();
  const pluginOptions = { signingKey: pluginKeys.privateKey, encryptionKey: ours.publicKey, testPerson: TEST_PERSON };
  // Short hangs, so a hanging session_url never outlives the test run by much.
  const sessionPlugin = await startAuthPluginStandin({ ...pluginOptions, withSession: true, hangMs: 10_000 });

  // Listening first: the core must know the backends' URLs, and they the core's.
  const apps: Record<string, ReturnType<typeof createApp>> = {};
  const listen = (name: string) => serveApp({ fetch: (request, env) => apps[name]!.fetch(request, env) });
  const [backend, shortBackend, resultBackend, ticketBackend, shortTicketBackend, proxiedBackend] = await Promise.all([
    listen('backend'),
    listen('short'),
    listen('result'),
    listen('ticket'),
    listen('shortTicket'),
    listen('proxied'),
  ]);
  const proxy = await startBufferingProxy(proxiedBackend.url);
  const ticketSecret = newTicketSecret();

  const chat = (tag: string, start: string) => ({ tag, name: 'Chat', image_path: '/static/chat.svg', start, credentials: PLUGIN_AUTH });
  const { core, plugin, close: closeStandIns } = await startStandIns({
    keys: { ours, plugin: pluginKeys },
    testPerson: TEST_PERSON,
    coreConfig: (pluginUrl) => {
      const method = (tag: string, name: string, start = pluginUrl) => ({ tag, name, image_path: `/static/${tag}.svg`, start });
      return {
        purposes: [
          { tag: 'report_move', attributes: ['bsn', 'fullname', 'email', 'shoe_size', 'remark'], allowed_auth: ['irma', 'digid'], allowed_comm: [] },
          // What the core starts when a user picks chat (core-initiated sessions).
          { tag: CHAT_PURPOSE, attributes: ['bsn', 'fullname', 'email'], allowed_auth: ['irma', 'irma_session'], allowed_comm: ['chat', 'chat_result'] },
          { tag: 'no_methods', attributes: ['email'], allowed_auth: [], allowed_comm: [] },
          { tag: 'hostile_names', attributes: ['email'], allowed_auth: ['hostile'], allowed_comm: [] },
        ],
        auth_methods: [
          method('irma', 'Yivi'),
          method('digid', 'DigiD'),
          method('hostile', HOSTILE_NAME),
          method('irma_session', 'Yivi (with a login session)', sessionPlugin.url),
        ],
        comm_methods: [chat('chat', backend.url), chat('chat_result', resultBackend.url)],
      };
    },
  });

  let mode: CoreMode = 'up';
  const whenUp = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let waited = 0; mode === 'hang' && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    if (mode !== 'up') throw new CoreError('the ID Contact core is unreachable');
    return call();
  };
  const configure = (name: string, running: { url: string }, env: Record<string, string>) => {
    const config = loadConfig({
      IDC_PUBLIC_URL: running.url,
      IDC_CORE_URL: core.url,
      IDC_DECRYPTION_KEY: ours.privatePem,
      IDC_SIGNATURE_KEYS: pluginKeys.publicPem,
      IDC_ALLOWED_ORIGINS: allowedOrigins.join(','),
      IDC_CHAT_URL: `${chatPage}?backend=${encodeURIComponent(running.url)}`,
      IDC_PLUGIN_AUTH: `${PLUGIN_AUTH.user}:${PLUGIN_AUTH.password}`,
      // Every test's logins come from 127.0.0.1 within minutes; the limit itself is tested on the Node side.
      IDC_SESSIONS_PER_MINUTE: '100000',
      ...env,
    });
    const real = createCoreClient(config);
    const switchable: CoreClient = {
      sessionOptions: (purpose) => whenUp(() => real.sessionOptions(purpose)),
      start: (request) => whenUp(() => real.start(request)),
    };
    const quiet = { info() {}, warn() {}, error() {} };
    // Activity is forwarded at most once a second, not a minute, so a test sees a second report.
    apps[name] = createApp(config, { core: switchable, logger: quiet, optionsCacheMs: 0, activityIntervalMs: ACTIVITY_INTERVAL_MS });
  };
  configure('backend', backend, { IDC_SESSION_TTL_SECONDS: '900' });
  configure('short', shortBackend, { IDC_SESSION_TTL_SECONDS: '2' });
  const ticketed = { IDC_SESSION_TTL_SECONDS: '900', IDC_TICKET_SECRET: ticketSecret };
  configure('ticket', ticketBackend, ticketed);
  configure('shortTicket', shortTicketBackend, { ...ticketed, IDC_REQUEST_TTL_SECONDS: '2' });
  // Its pages and streams carry the proxy's URL: the browser reaches this backend only through the proxy.
  configure('proxied', { url: proxy.url }, ticketed);
  configure('result', resultBackend, { IDC_SESSION_TTL_SECONDS: '900', IDC_USE_ATTR_URL: 'false' });

  const basic = `Basic ${Buffer.from(`${PLUGIN_AUTH.user}:${PLUGIN_AUTH.password}`).toString('base64')}`;
  const post = (url: string, init: { type: string; body: string; headers?: Record<string, string> }) =>
    fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': init.type, ...init.headers }, body: init.body });
  const issuedAt = new Set<number>();
  const resultToken = async (kind: 'succes' | 'failed' | 'forged') => {
    if (kind === 'forged') {
      // Well formed, but signed by a key no backend trusts.
      const { privateKey } = rsa();
      return createResultToken({ status: 'succes', attributes: { fullname: 'Mallory' } }, { signingKey: privateKey, encryptionKey: ours.publicKey });
    }
    const claims = kind === 'succes' ? { status: kind, attributes: { fullname: TEST_PERSON.fullname, email: TEST_PERSON.email } } : { status: kind };
    // One person's results in the same second are one result (a replay); a real plugin's are seconds apart.
    let iat = Math.floor(Date.now() / 1000);
    while (issuedAt.has(iat)) iat -= 1;
    issuedAt.add(iat);
    return createResultToken(claims, { signingKey: pluginKeys.privateKey, encryptionKey: ours.publicKey, iat });
  };

  async function startChat(request: ChatRequest): Promise<ChatStart> {
    if (request.via === 'direct') {
      const base = request.backend === 'backend' ? backend.url : resultBackend.url;
      const body = { purpose: CHAT_PURPOSE, ...(request.authResult ? { auth_result: await resultToken(request.authResult) } : {}) };
      const response = await post(`${base}/start_communication`, {
        type: 'application/json',
        body: JSON.stringify(body),
        headers: { authorization: basic },
      });
      if (!response.ok) throw new Error(`start_communication answered ${response.status}: ${await response.text()}`);
      const answer = (await response.json()) as { client_url: string; attr_url?: string };
      return { chatUrl: answer.client_url, attrUrl: answer.attr_url };
    }
    const started = await post(`${core.url}/start`, {
      type: 'application/json',
      body: JSON.stringify({ purpose: CHAT_PURPOSE, auth_method: request.authMethod, comm_method: request.commMethod }),
      headers: { accept: 'application/json' },
    });
    if (!started.ok) throw new Error(`core /start answered ${started.status}: ${await started.text()}`);
    const loginUrl = ((await started.json()) as { client_url: string }).client_url;
    if (!request.login) return { chatUrl: loginUrl };
    // The user's click on the login page: the plugin delivers, then sends the browser on.
    const done = await post(loginUrl, { type: 'application/x-www-form-urlencoded', body: `outcome=${request.login}` });
    const location = done.headers.get('location');
    if (done.status !== 303 || !location) throw new Error(`login answered ${done.status}`);
    return { chatUrl: location };
  }

  const ticket = (kind: 'guest' | 'host', conversation: string) => mintTicket(kind, ticketSecret, { conversation, expiresIn: 600 });
  const agentCall = async (base: TicketBackend, conversation: string, init: RequestInit = {}) =>
    fetch(`${{ ticketBackend, shortTicketBackend, proxiedBackend }[base].url}/agent/requests`, {
      ...init,
      headers: { authorization: `Bearer ${await ticket('host', conversation)}`, ...init.headers },
    });

  return {
    info: {
      backend: backend.url,
      shortBackend: shortBackend.url,
      resultBackend: resultBackend.url,
      ticketBackend: ticketBackend.url,
      shortTicketBackend: shortTicketBackend.url,
      proxiedBackend: proxy.url,
      core: core.url,
      plugin: plugin.url,
      sessionPlugin: sessionPlugin.url,
      activityIntervalMs: ACTIVITY_INTERVAL_MS,
    },
    setCoreMode(next) {
      mode = next;
    },
    setProxyMode: (next) => proxy.setMode(next),
    proxyLog() {
      const seen = proxy.log();
      proxy.clearLog();
      return seen;
    },
    ticket,
    async askToVerify(base, conversation, purpose) {
      const response = await agentCall(base, conversation, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ purpose }),
      });
      const body = (await response.json().catch(() => undefined)) as VerificationRequest | undefined;
      return { status: response.status, ...(response.ok ? { request: body } : {}) };
    },
    async agentRequest(base, conversation) {
      const response = await agentCall(base, conversation);
      if (!response.ok) throw new Error(`GET /agent/requests answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as CurrentRequest).request;
    },
    dropConnections() {
      for (const running of [backend, shortBackend, resultBackend, ticketBackend, shortTicketBackend, proxiedBackend]) {
        running.server.closeAllConnections();
      }
    },
    startChat,
    async deliverResult(attrUrl, status) {
      const response = await post(attrUrl, { type: 'application/jwt', body: await resultToken(status) });
      await response.arrayBuffer();
      return response.status;
    },
    resultToken,
    sessionFeedback: () => sessionPlugin.sessionFeedback,
    setSessionFeedbackBehaviour: (behaviour) => sessionPlugin.setSessionFeedbackBehaviour(behaviour),
    async close() {
      await Promise.all([...[proxy, backend, shortBackend, resultBackend, ticketBackend, shortTicketBackend, proxiedBackend, sessionPlugin].map((s) => s.close()), closeStandIns()]);
    },
  };
}
