import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { compactDecrypt, SignJWT } from 'jose';
import { Hono } from 'hono';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCoreStandin, type CoreStandin, type CoreStandinOptions } from '../core/standin.ts';
import { createDemoCoreConfig } from '../core/demo-config.ts';
import type { CoreConfig } from '../core/config.ts';
import { createCoreApp } from '../core/app.ts';
import { startAuthPluginStandin } from '../auth-plugin/standin.ts';
import { serve, type RunningServer } from '../serve.ts';

type KeyPair = { privateKey: KeyObject; publicKey: KeyObject };
let starterRsa: KeyPair;
let starterEc: KeyPair;
const toClose: Array<{ close(): Promise<void> }> = [];

beforeAll(() => {
  starterRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  starterEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
});

afterEach(async () => {
  await Promise.all(toClose.splice(0).map((s) => s.close()));
});

interface FakeCall {
  path: string;
  authorization?: string;
  body: unknown;
}
type FakeMode = 'ok' | 'error' | 'garbage';

/** A recording auth + comm plugin whose answers the test controls. */
async function startFakePlugin(mode: FakeMode = 'ok') {
  const calls: FakeCall[] = [];
  const app = new Hono();
  const record = async (c: { req: { path: string; header(name: string): string | undefined; json(): Promise<unknown> } }) => {
    calls.push({ path: c.req.path, authorization: c.req.header('authorization'), body: await c.req.json() });
  };
  app.post('/start_authentication', async (c) => {
    await record(c);
    if (mode === 'error') return c.text('broken', 500);
    if (mode === 'garbage') return c.json({ url: 'nope' });
    return c.json({ client_url: 'https://auth.example.nl/login/abc' });
  });
  app.post('/start_communication', async (c) => {
    await record(c);
    if (mode === 'error') return c.text('broken', 503);
    return c.json({ client_url: 'https://comm.example.nl/ui/s1', attr_url: 'http://comm.internal/attributes/s1' });
  });
  const running = await serve(app);
  toClose.push(running);
  return Object.assign(running, { calls });
}

function configFor(pluginUrl: string, commCredentials?: { user: string; password: string }): CoreConfig {
  const config = createDemoCoreConfig({
    authPluginUrl: pluginUrl,
    commPluginUrl: pluginUrl,
    authonlyRequestKeys: {
      'widget-rsa': { type: 'RSA', key: starterRsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      'widget-ec': starterEc.publicKey,
    },
  });
  if (commCredentials) config.comm_methods = config.comm_methods.map((method) => ({ ...method, credentials: commCredentials }));
  return config;
}

async function startCore(pluginUrl: string, extra: Partial<CoreStandinOptions> = {}): Promise<CoreStandin> {
  const core = await startCoreStandin({ config: configFor(pluginUrl), ...extra });
  toClose.push(core);
  return core;
}

const plainStart = {
  purpose: 'report_move',
  auth_method: 'irma',
  comm_url: 'https://comm.example.nl/return/s1',
  attr_url: 'http://comm.internal/attributes/s1',
};

function postStart(core: CoreStandin, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${core.url}/start`, { method: 'POST', headers, body, redirect: 'manual' });
}
function postJson(core: CoreStandin, body: unknown, headers: Record<string, string> = { Accept: 'application/json' }): Promise<Response> {
  return postStart(core, JSON.stringify(body), { 'Content-Type': 'application/json', ...headers });
}

interface SignOptions {
  kid?: string;
  key?: KeyObject;
  alg?: string;
  iat?: number;
  exp?: number | null;
  payload?: Record<string, unknown>;
}
async function signedStart(options: SignOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(options.payload ?? { request: plainStart })
    .setProtectedHeader({ alg: options.alg ?? 'RS256', ...(options.kid === undefined ? {} : { kid: options.kid }) })
    .setIssuedAt(options.iat ?? now);
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now + 300);
  return jwt.sign(options.key ?? starterRsa.privateKey);
}
function postSigned(core: CoreStandin, token: string): Promise<Response> {
  return postStart(core, token, { 'Content-Type': 'application/jwt', Accept: 'application/json' });
}

describe('GET /session_options/:purpose', () => {
  it('lists the methods allowed for the purpose, expanding "*"', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    const response = await fetch(`${core.url}/session_options/report_move`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      name: 'Verhuizing doorgeven',
      auth_methods: [
        { tag: 'irma', name: 'Yivi', image_path: '/static/irma.svg' },
        { tag: 'digid', name: 'DigiD', image_path: '/static/digid.svg' },
      ],
      comm_methods: [{ tag: 'chat', name: 'Chatten', image_path: '/static/chat.svg' }],
    });
  });

  it('leaves out methods the purpose does not allow', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    const body = (await (await fetch(`${core.url}/session_options/request_permit`)).json()) as { auth_methods: Array<{ tag: string }>; comm_methods: Array<{ tag: string }> };
    expect(body.auth_methods.map((m) => m.tag)).toEqual(['digid']);
    expect(body.comm_methods.map((m) => m.tag)).toEqual(['chat', 'call']);
  });

  it('answers 400 for an unknown purpose', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    expect((await fetch(`${core.url}/session_options/adopt_a_dragon`)).status).toBe(400);
  });

  it('serves the image_path icons as SVG, and 404 for others', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    for (const path of ['/static/irma.svg', '/static/digid.svg', '/static/chat.svg', '/static/phone.svg']) {
      const response = await fetch(`${core.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(await response.text()).toMatch(/^<svg [^>]*role="img"[\s\S]*<title>/);
    }
    expect((await fetch(`${core.url}/static/nope.svg`)).status).toBe(404);
  });
});

describe('POST /start, authentication during communication (plain JSON)', () => {
  it('starts the auth plugin with the purpose attributes and answers JSON for Accept: application/json', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    const response = await postJson(core, plainStart);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ client_url: 'https://auth.example.nl/login/abc' });
    expect(plugin.calls).toEqual([
      {
        path: '/start_authentication',
        authorization: undefined,
        body: { attributes: ['bsn', 'fullname', 'email'], continuation: plainStart.comm_url, attr_url: plainStart.attr_url },
      },
    ]);
  });

  it('leaves attr_url out at the plugin when none was given', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    const { attr_url: _omitted, ...withoutAttrUrl } = plainStart;
    expect((await postJson(core, withoutAttrUrl)).status).toBe(200);
    expect(plugin.calls[0]?.body).toEqual({ attributes: ['bsn', 'fullname', 'email'], continuation: plainStart.comm_url });
  });

  it.each([
    ['no Accept header', {}],
    ['Accept: */*', { Accept: '*/*' }],
    ['Accept listing several types', { Accept: 'application/json, text/plain' }],
  ])('redirects with 303 to the client_url with %s', async (_label, headers) => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    const response = await postJson(core, plainStart, headers);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('https://auth.example.nl/login/abc');
  });

  it.each([
    ['unknown purpose', { ...plainStart, purpose: 'adopt_a_dragon' }],
    ['auth method not allowed for the purpose', { ...plainStart, purpose: 'request_permit', auth_method: 'irma' }],
    ['unknown auth method', { ...plainStart, auth_method: 'carrier_pigeon' }],
    ['comm_url not a URL', { ...plainStart, comm_url: 'return/s1' }],
    ['missing auth_method', { purpose: 'report_move', comm_url: plainStart.comm_url }],
    ['not an object', [plainStart]],
  ])('answers 400 for %s without calling the plugin', async (_label, body) => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    expect((await postJson(core, body)).status).toBe(400);
    expect(plugin.calls).toEqual([]);
  });

  it('answers 400 for malformed JSON and for an unsupported content type', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    expect((await postStart(core, '{"purpose":', { 'Content-Type': 'application/json', Accept: 'application/json' })).status).toBe(400);
    expect((await postStart(core, JSON.stringify(plainStart), { 'Content-Type': 'text/plain', Accept: 'application/json' })).status).toBe(400);
    expect(plugin.calls).toEqual([]);
  });

  it.each([['error' as const], ['garbage' as const]])('answers 500 when the auth plugin fails (%s)', async (mode) => {
    const plugin = await startFakePlugin(mode);
    const core = await startCore(plugin.url);
    expect((await postJson(core, plainStart)).status).toBe(500);
    expect(plugin.calls).toHaveLength(1);
  });

  it('answers 500 when the auth plugin is down', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    await plugin.close();
    expect((await postJson(core, plainStart)).status).toBe(500);
  });

  it('refuses the plain form with rejectPlainStart, but still accepts the signed form', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url, { rejectPlainStart: true });
    expect((await postJson(core, plainStart)).status).toBe(400);
    expect(plugin.calls).toEqual([]);
    expect((await postSigned(core, await signedStart({ kid: 'widget-rsa' }))).status).toBe(200);
  });

  it('records what it received', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    await postJson(core, plainStart);
    expect(core.requests).toEqual([
      {
        method: 'POST',
        path: '/start',
        query: {},
        contentType: 'application/json',
        accept: 'application/json',
        authorization: undefined,
        body: plainStart,
      },
    ]);
  });
});

describe('POST /start, signed form', () => {
  it('accepts an RS256 request signed by a known starter', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    const response = await postSigned(core, await signedStart({ kid: 'widget-rsa' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ client_url: 'https://auth.example.nl/login/abc' });
    expect(plugin.calls[0]?.body).toEqual({ attributes: ['bsn', 'fullname', 'email'], continuation: plainStart.comm_url, attr_url: plainStart.attr_url });
    expect(core.requests[0]?.contentType).toBe('application/jwt');
  });

  it('accepts an ES256 request for an EC key, and redirects without Accept', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    const token = await signedStart({ kid: 'widget-ec', key: starterEc.privateKey, alg: 'ES256' });
    const response = await postStart(core, token, { 'Content-Type': 'application/jwt' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('https://auth.example.nl/login/abc');
  });

  it.each<[string, () => Promise<string>]>([
    ['a bad signature', () => signedStart({ kid: 'widget-rsa', key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey })],
    ['an unknown kid', () => signedStart({ kid: 'someone-else' })],
    ['no kid', () => signedStart()],
    ['an algorithm that does not fit the key', () => signedStart({ kid: 'widget-ec', key: starterRsa.privateKey })],
    ['an expired request', () => signedStart({ kid: 'widget-rsa', iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 })],
    ['no exp', () => signedStart({ kid: 'widget-rsa', exp: null })],
    ['no request claim', () => signedStart({ kid: 'widget-rsa', payload: { purpose: 'report_move' } })],
    ['an unknown purpose inside', () => signedStart({ kid: 'widget-rsa', payload: { request: { ...plainStart, purpose: 'adopt_a_dragon' } } })],
    ['a tampered payload', async () => {
      const [header, , signature] = (await signedStart({ kid: 'widget-rsa' })).split('.');
      const forged = Buffer.from(JSON.stringify({ request: { ...plainStart, comm_url: 'https://evil.example/' }, iat: 1, exp: 9_999_999_999 })).toString('base64url');
      return `${header}.${forged}.${signature}`;
    }],
    ['not a JWS at all', async () => 'hello'],
  ])('answers 400 for %s without calling the plugin', async (_label, makeToken) => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    expect((await postSigned(core, await makeToken())).status).toBe(400);
    expect(plugin.calls).toEqual([]);
  });
});

describe('HTTP Basic auth', () => {
  const credentials = { user: 'widget', password: 's3cret' };
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('answers 401 without or with wrong credentials, and serves with the right ones', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url, { basicAuth: credentials });
    const withoutAuth = await fetch(`${core.url}/session_options/report_move`);
    expect(withoutAuth.status).toBe(401);
    expect(withoutAuth.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await fetch(`${core.url}/session_options/report_move`, { headers: { Authorization: basic('widget', 'nope') } })).status).toBe(401);
    expect((await postJson(core, plainStart)).status).toBe(401);
    expect(plugin.calls).toEqual([]);

    const authorization = basic(credentials.user, credentials.password);
    expect((await fetch(`${core.url}/session_options/report_move`, { headers: { Authorization: authorization } })).status).toBe(200);
    expect((await postJson(core, plainStart, { Accept: 'application/json', Authorization: authorization })).status).toBe(200);
    expect(core.requests.at(-1)?.authorization).toBe(authorization);
  });

  it('keeps icons public', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url, { basicAuth: credentials });
    expect((await fetch(`${core.url}/static/irma.svg`)).status).toBe(200);
  });
});

describe('POST /start, core-initiated forms', () => {
  it('full form: starts communication, then authentication with its client_url and attr_url', async () => {
    const plugin = await startFakePlugin();
    const commCredentials = { user: 'core', password: 'pw' };
    const core = await startCoreStandin({ config: configFor(plugin.url, commCredentials) });
    toClose.push(core);
    const response = await postJson(core, { purpose: 'report_move', auth_method: 'digid', comm_method: 'chat' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ client_url: 'https://auth.example.nl/login/abc' });
    expect(plugin.calls).toEqual([
      { path: '/start_communication', authorization: `Basic ${Buffer.from('core:pw').toString('base64')}`, body: { purpose: 'report_move' } },
      {
        path: '/start_authentication',
        authorization: undefined,
        body: { attributes: ['bsn', 'fullname', 'email'], continuation: 'https://comm.example.nl/ui/s1', attr_url: 'http://comm.internal/attributes/s1' },
      },
    ]);
  });

  it('full form: 400 for a comm method the purpose does not allow, 500 when the comm plugin fails', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    expect((await postJson(core, { purpose: 'report_move', auth_method: 'digid', comm_method: 'call' })).status).toBe(400);
    expect(plugin.calls).toEqual([]);

    const failing = await startFakePlugin('error');
    const core2 = await startCore(failing.url);
    expect((await postJson(core2, { purpose: 'report_move', auth_method: 'digid', comm_method: 'chat' })).status).toBe(500);
    expect(failing.calls.map((call) => call.path)).toEqual(['/start_communication']);
  });

  it('communication-only form: passes auth_result to the comm plugin and answers its client_url', async () => {
    const plugin = await startFakePlugin();
    const core = await startCore(plugin.url);
    const response = await postJson(core, { purpose: 'personal_question', comm_method: 'call', auth_result: 'eyJhbGciOi.x.y.z.w' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ client_url: 'https://comm.example.nl/ui/s1' });
    expect(plugin.calls).toEqual([
      { path: '/start_communication', authorization: undefined, body: { purpose: 'personal_question', auth_result: 'eyJhbGciOi.x.y.z.w' } },
    ]);
  });
});

describe('attr_url shim for plugins with disable_attr_url', () => {
  it('gives the plugin a shim continuation, then forwards the result to attr_url and redirects', async () => {
    const plugin = await startFakePlugin();
    const received: Array<{ contentType?: string; body: string }> = [];
    const receiverApp = new Hono();
    receiverApp.post('/attributes/s1', async (c) => {
      received.push({ contentType: c.req.header('content-type'), body: await c.req.text() });
      return c.body(null, 200);
    });
    const receiver = await serve(receiverApp);
    toClose.push(receiver);

    const config = configFor(plugin.url);
    config.auth_methods = config.auth_methods.map((method) => ({ ...method, disable_attr_url: true }));
    const core = await startCoreStandin({ config });
    toClose.push(core);

    const attrUrl = `${receiver.url}/attributes/s1`;
    expect((await postJson(core, { ...plainStart, attr_url: attrUrl })).status).toBe(200);
    const sent = plugin.calls[0]?.body as { continuation: string; attr_url?: string };
    expect(sent).not.toHaveProperty('attr_url');
    expect(sent.continuation).toMatch(new RegExp(`^${core.url}/auth_attr_shim/[\\w-]+$`));

    const response = await fetch(`${sent.continuation}?result=the.jwe.token.parts.here`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(plainStart.comm_url);
    expect(received).toEqual([{ contentType: 'application/jwt', body: 'the.jwe.token.parts.here' }]);
    // Used once.
    expect((await fetch(`${sent.continuation}?result=again`, { redirect: 'manual' })).status).toBe(400);
  });
});

describe('configuration', () => {
  it('refuses a purpose that allows an unknown method, like the reference', () => {
    const config = configFor('http://127.0.0.1:1');
    config.purposes[0]!.allowed_auth = ['irma', 'carrier_pigeon'];
    expect(() => createCoreApp({ config })).toThrow(/carrier_pigeon/);
  });
});

describe('core and test auth plugin together', () => {
  it('runs a whole authentication during communication', async () => {
    const authSigner = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const commKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const authPlugin = await startAuthPluginStandin({
      signingKey: authSigner.privateKey,
      encryptionKey: commKeys.publicKey,
      testPerson: { bsn: '999993653', fullname: 'Sanne de Vries', email: 'sanne@example.nl', phone: '0612345678' },
    });
    toClose.push(authPlugin);
    const results: string[] = [];
    const receiverApp = new Hono();
    receiverApp.post('/attributes/s1', async (c) => {
      results.push(await c.req.text());
      return c.body(null, 200);
    });
    const receiver: RunningServer = await serve(receiverApp);
    toClose.push(receiver);
    const core = await startCore(authPlugin.url);

    const start = await postJson(core, { ...plainStart, attr_url: `${receiver.url}/attributes/s1` });
    const { client_url } = (await start.json()) as { client_url: string };
    expect((await fetch(client_url)).status).toBe(200);
    const done = await fetch(client_url, { method: 'POST', body: new URLSearchParams({ outcome: 'succes' }), redirect: 'manual' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(plainStart.comm_url);

    expect(results).toHaveLength(1);
    const { plaintext } = await compactDecrypt(results[0]!, commKeys.privateKey);
    const { njwt } = JSON.parse(new TextDecoder().decode(plaintext)) as { njwt: string };
    const claims = JSON.parse(Buffer.from(njwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ status: 'succes', attributes: { bsn: '999993653', fullname: 'Sanne de Vries', email: 'sanne@example.nl' } });
  });
});
