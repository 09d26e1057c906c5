import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { compactDecrypt, compactVerify } from 'jose';
import { Hono } from 'hono';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAuthPluginStandin, type AuthPluginStandin } from '../auth-plugin/standin.ts';
import type { AuthPluginOptions } from '../auth-plugin/app.ts';
import { serve, type RunningServer } from '../serve.ts';

const testPerson = { bsn: '999993653', fullname: 'Sanne de Vries', email: 'sanne.devries@example.nl' };

let signer: { privateKey: KeyObject; publicKey: KeyObject };
let comm: { privateKey: KeyObject; publicKey: KeyObject };
const toClose: Array<{ close(): Promise<void> }> = [];

beforeAll(() => {
  signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
  comm = generateKeyPairSync('rsa', { modulusLength: 2048 });
});

afterEach(async () => {
  await Promise.all(toClose.splice(0).map((s) => s.close()));
});

async function startPlugin(extra: Partial<AuthPluginOptions> = {}): Promise<AuthPluginStandin> {
  const plugin = await startAuthPluginStandin({ signingKey: signer.privateKey, encryptionKey: comm.publicKey, testPerson, ...extra });
  toClose.push(plugin);
  return plugin;
}

interface ReceivedResult {
  contentType: string | undefined;
  body: string;
}

/** A stand-in communication plugin endpoint that records what is POSTed to it. */
async function startReceiver(status = 200): Promise<RunningServer & { received: ReceivedResult[] }> {
  const received: ReceivedResult[] = [];
  const app = new Hono();
  app.post('/attributes/:id', async (c) => {
    received.push({ contentType: c.req.header('content-type'), body: await c.req.text() });
    return c.body(null, status as 200);
  });
  const running = await serve(app);
  toClose.push(running);
  return Object.assign(running, { received });
}

async function startLogin(plugin: AuthPluginStandin, body: unknown): Promise<string> {
  const response = await fetch(`${plugin.url}/start_authentication`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  const { client_url } = (await response.json()) as { client_url: string };
  return client_url;
}

function submit(clientUrl: string, outcome: string): Promise<Response> {
  return fetch(clientUrl, {
    method: 'POST',
    body: new URLSearchParams({ outcome }),
    redirect: 'manual',
  });
}

async function openResult(token: string): Promise<Record<string, unknown>> {
  const { plaintext } = await compactDecrypt(token, comm.privateKey);
  const { njwt } = JSON.parse(new TextDecoder().decode(plaintext)) as { njwt: string };
  const { payload } = await compactVerify(njwt, signer.publicKey);
  return JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
}

describe('POST /start_authentication', () => {
  it('answers a client_url under /login/ with a fresh unguessable id', async () => {
    const plugin = await startPlugin();
    const request = { attributes: ['email'], continuation: 'http://comm.test/chat' };
    const first = await startLogin(plugin, request);
    const second = await startLogin(plugin, request);
    expect(first.startsWith(`${plugin.url}/login/`)).toBe(true);
    expect(first).not.toBe(second);
    expect(first.slice(`${plugin.url}/login/`.length).length).toBeGreaterThanOrEqual(32);
  });

  it('uses publicUrl for the client_url when configured', async () => {
    const plugin = await startPlugin({ publicUrl: 'https://auth.example.nl/' });
    const clientUrl = await startLogin(plugin, { attributes: [], continuation: 'http://comm.test/chat' });
    expect(clientUrl).toMatch(/^https:\/\/auth\.example\.nl\/login\/[\w-]+$/);
  });

  it.each([
    ['not JSON', '{"attributes":'],
    ['missing continuation', JSON.stringify({ attributes: ['email'] })],
    ['continuation not a URL', JSON.stringify({ attributes: ['email'], continuation: 'chat' })],
    ['attributes not strings', JSON.stringify({ attributes: [1], continuation: 'http://comm.test/chat' })],
  ])('rejects a malformed request (%s) with 400', async (_label, body) => {
    const plugin = await startPlugin();
    const response = await fetch(`${plugin.url}/start_authentication`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
  });
});

describe('GET /login/:id', () => {
  it('shows an accessible TEST login page listing the asked attributes', async () => {
    const plugin = await startPlugin();
    const clientUrl = await startLogin(plugin, { attributes: ['bsn', 'email', 'phone'], continuation: 'http://comm.test/chat' });
    const response = await fetch(clientUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toContain('TEST login');
    expect(html).toContain('<code>bsn</code>');
    expect(html).toContain('<code>email</code>');
    expect(html).toMatch(/<code>phone<\/code> <span class="missing">/);
    expect(html).toMatch(/<button type="submit" name="outcome" value="succes"[^>]*>Log in as Sanne de Vries<\/button>/);
    expect(html).toMatch(/<button type="submit" name="outcome" value="failed"[^>]*>Fail authentication<\/button>/);
    expect(html).toContain(`<form method="post" action="${new URL(clientUrl).pathname}">`);
    // Attribute values stay server-side.
    expect(html).not.toContain('999993653');
  });

  it('escapes attribute names and the person name', async () => {
    const plugin = await startPlugin({ testPersonName: 'Jan <b>& Co' });
    const clientUrl = await startLogin(plugin, { attributes: ['<script>alert("x")</script>'], continuation: 'http://comm.test/chat' });
    const html = await (await fetch(clientUrl)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('Log in as Jan &lt;b&gt;&amp; Co');
  });

  it('answers 404 for an unknown id', async () => {
    const plugin = await startPlugin();
    const response = await fetch(`${plugin.url}/login/nope`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('not valid');
  });
});

describe('POST /login/:id', () => {
  it('on success POSTs only the asked attributes the person has to attr_url, then redirects with 303', async () => {
    const receiver = await startReceiver();
    const plugin = await startPlugin();
    const attrUrl = `${receiver.url}/attributes/a12345`;
    const clientUrl = await startLogin(plugin, { attributes: ['bsn', 'email', 'phone'], continuation: 'http://comm.test/chat?s=1', attr_url: attrUrl });

    const response = await submit(clientUrl, 'succes');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://comm.test/chat?s=1');
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.contentType).toBe('application/jwt');
    const claims = await openResult(receiver.received[0]!.body);
    expect(claims).toMatchObject({
      sub: 'id-contact-attributes',
      status: 'succes',
      attributes: { bsn: '999993653', email: 'sanne.devries@example.nl' },
    });
    expect(claims).not.toHaveProperty('session_url');
    expect(plugin.resultDeliveries).toEqual([expect.objectContaining({ attrUrl, resultStatus: 'succes', status: 200 })]);
  });

  it('on failure sends status failed without attributes', async () => {
    const receiver = await startReceiver(500);
    const plugin = await startPlugin({ withSession: true });
    const clientUrl = await startLogin(plugin, { attributes: ['bsn'], continuation: 'http://comm.test/chat', attr_url: `${receiver.url}/attributes/x` });
    const response = await submit(clientUrl, 'failed');
    expect(response.status).toBe(303);
    const claims = await openResult(receiver.received[0]!.body);
    expect(claims.status).toBe('failed');
    expect(claims).not.toHaveProperty('attributes');
    expect(claims).not.toHaveProperty('session_url');
    // The receiver's error is recorded, not acted upon.
    expect(plugin.resultDeliveries[0]?.status).toBe(500);
  });

  it('still redirects when attr_url cannot be reached, recording the error', async () => {
    const receiver = await startReceiver();
    const deadUrl = `${receiver.url}/attributes/x`;
    await receiver.close();
    const plugin = await startPlugin();
    const clientUrl = await startLogin(plugin, { attributes: ['bsn'], continuation: 'http://comm.test/chat', attr_url: deadUrl });
    const response = await submit(clientUrl, 'succes');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://comm.test/chat');
    expect(plugin.resultDeliveries[0]?.status).toBeUndefined();
    expect(plugin.resultDeliveries[0]?.error).toBeTruthy();
  });

  it('without attr_url appends ?result= to the continuation', async () => {
    const plugin = await startPlugin();
    const clientUrl = await startLogin(plugin, { attributes: ['fullname'], continuation: 'http://comm.test/return' });
    const response = await submit(clientUrl, 'succes');
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('http://comm.test/return');
    expect([...location.searchParams.keys()]).toEqual(['result']);
    const claims = await openResult(location.searchParams.get('result')!);
    expect(claims).toMatchObject({ status: 'succes', attributes: { fullname: 'Sanne de Vries' } });
    expect(plugin.resultDeliveries).toEqual([]);
  });

  it('uses &result= when the continuation already has a query, keeping the fragment last', async () => {
    const plugin = await startPlugin();
    const clientUrl = await startLogin(plugin, { attributes: [], continuation: 'http://comm.test/return?session=abc#top' });
    const response = await submit(clientUrl, 'failed');
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^http:\/\/comm\.test\/return\?session=abc&result=[\w.-]+#top$/);
    const claims = await openResult(new URL(location).searchParams.get('result')!);
    expect(claims.status).toBe('failed');
  });

  it('accepts a login id only once', async () => {
    const plugin = await startPlugin();
    const clientUrl = await startLogin(plugin, { attributes: [], continuation: 'http://comm.test/return' });
    expect((await submit(clientUrl, 'succes')).status).toBe(303);
    expect((await submit(clientUrl, 'succes')).status).toBe(404);
    expect((await fetch(clientUrl)).status).toBe(404);
  });

  it('rejects an unknown outcome with 400 without using up the login', async () => {
    const plugin = await startPlugin();
    const clientUrl = await startLogin(plugin, { attributes: [], continuation: 'http://comm.test/return' });
    expect((await submit(clientUrl, 'maybe')).status).toBe(400);
    expect((await submit(clientUrl, 'succes')).status).toBe(303);
  });
});

describe('session feedback', () => {
  async function loginWithSession(plugin: AuthPluginStandin): Promise<string> {
    const clientUrl = await startLogin(plugin, { attributes: ['bsn'], continuation: 'http://comm.test/return' });
    const location = (await submit(clientUrl, 'succes')).headers.get('location')!;
    const claims = await openResult(new URL(location).searchParams.get('result')!);
    expect(typeof claims.session_url).toBe('string');
    return claims.session_url as string;
  }

  it('adds session_url with withSession and records user_active and logout calls', async () => {
    const plugin = await startPlugin({ withSession: true });
    const sessionUrl = await loginWithSession(plugin);
    expect(sessionUrl).toMatch(new RegExp(`^${plugin.url}/session/[\\w-]{32,}$`));
    const id = sessionUrl.slice(sessionUrl.lastIndexOf('/') + 1);

    expect((await fetch(`${sessionUrl}?type=user_active`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${sessionUrl}?type=logout`, { method: 'POST' })).status).toBe(200);
    expect(plugin.sessionFeedback.map(({ id, type }) => ({ id, type }))).toEqual([
      { id, type: 'user_active' },
      { id, type: 'logout' },
    ]);
    expect(typeof plugin.sessionFeedback[0]?.at).toBe('number');
  });

  it('leaves session_url out without withSession', async () => {
    const plugin = await startPlugin();
    const clientUrl = await startLogin(plugin, { attributes: ['bsn'], continuation: 'http://comm.test/return' });
    const location = (await submit(clientUrl, 'succes')).headers.get('location')!;
    expect(await openResult(new URL(location).searchParams.get('result')!)).not.toHaveProperty('session_url');
  });

  it('rejects a missing or unknown type (400) and an unknown session (404) without recording', async () => {
    const plugin = await startPlugin({ withSession: true });
    const sessionUrl = await loginWithSession(plugin);
    expect((await fetch(sessionUrl, { method: 'POST' })).status).toBe(400);
    expect((await fetch(`${sessionUrl}?type=dance`, { method: 'POST' })).status).toBe(400);
    expect((await fetch(`${plugin.url}/session/unknown?type=logout`, { method: 'POST' })).status).toBe(404);
    expect(plugin.sessionFeedback).toEqual([]);
  });

  it('can fail session feedback with 500, still recording the call', async () => {
    const plugin = await startPlugin({ withSession: true, sessionFeedbackBehaviour: 'fail' });
    const sessionUrl = await loginWithSession(plugin);
    expect((await fetch(`${sessionUrl}?type=user_active`, { method: 'POST' })).status).toBe(500);
    expect(plugin.sessionFeedback).toHaveLength(1);
    plugin.setSessionFeedbackBehaviour('ok');
    expect((await fetch(`${sessionUrl}?type=logout`, { method: 'POST' })).status).toBe(200);
  });

  it('can hang session feedback', async () => {
    const plugin = await startPlugin({ withSession: true, sessionFeedbackBehaviour: 'hang', hangMs: 5000 });
    const sessionUrl = await loginWithSession(plugin);
    const started = Date.now();
    await expect(fetch(`${sessionUrl}?type=logout`, { method: 'POST', signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(plugin.sessionFeedback.map((call) => call.type)).toEqual(['logout']);
  });
});
