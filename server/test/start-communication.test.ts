import { describe, expect, it } from 'vitest';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { SESSION_REFERENCE_PARAM } from '../src/protocol.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { CHAT_URL, logInAtPlugin, PLUGIN_CREDENTIALS, stacksPerTest, TEST_PERSON, type Stack, type StackOptions } from '../../testkit/stack.ts';

const stacks = stacksPerTest();
let stack: Stack;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const coreAuth = basic(PLUGIN_CREDENTIALS.user, PLUGIN_CREDENTIALS.password);

async function startCommunication(body: unknown, authorization: string | null = coreAuth) {
  return fetch(`${stack.url}/start_communication`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function attach(body: Record<string, unknown>) {
  return fetch(`${stack.url}/sessions/attach`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
    body: JSON.stringify(body),
  });
}

const token = (attributes: Record<string, string> = { bsn: '999993653' }) =>
  createResultToken({ status: 'succes', attributes }, { signingKey: stacks.keys.plugin.privateKey, encryptionKey: stacks.keys.ours.publicKey });

function referenceOf(clientUrl: string): string {
  return new URL(clientUrl).searchParams.get(SESSION_REFERENCE_PARAM)!;
}

/** The chat page's widget: exchange the reference, open the stream, read up to the final event. */
async function attachAndRead(body: Record<string, unknown>) {
  const response = await attach(body);
  expect(response.status).toBe(200);
  const { events_url: eventsUrl } = await response.json();
  const reader = await stacks.open(eventsUrl);
  expect((await reader.next())?.event).toBe('state');
  return reader.next();
}

async function begin(options: StackOptions = {}, body: Record<string, unknown> = { purpose: 'report_move' }) {
  stack = await stacks.start({ ...options });
  const response = await startCommunication(body);
  expect(response.status).toBe(200);
  return (await response.json()) as { client_url: string; attr_url?: string };
}

describe('POST /start_communication', () => {
  it('answers the chat URL with a one-time reference and an attr_url', async () => {
    const answer = await begin();
    expect(answer.client_url.startsWith(`${CHAT_URL}?${SESSION_REFERENCE_PARAM}=`)).toBe(true);
    expect(referenceOf(answer.client_url)).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(answer.attr_url).toMatch(new RegExp(`^${stack.url}/attributes/[A-Za-z0-9_-]{43,}$`));
    expect(answer.attr_url).not.toContain(referenceOf(answer.client_url));
  });

  it('delivers a result posted to the attr_url to the chat page that attaches', async () => {
    const answer = await begin();
    expect((await fetch(answer.attr_url!, { method: 'POST', headers: { 'Content-Type': 'application/jwt' }, body: await token() })).status).toBe(200);
    const result = await attachAndRead({ reference: referenceOf(answer.client_url) });
    expect(JSON.parse(result!.data!)).toEqual({ status: 'succes', attributes: { bsn: '999993653' } });
  });

  it('gives no attr_url with IDC_USE_ATTR_URL=false; the ?result= on the chat URL is verified by the backend', async () => {
    const answer = await begin({ env: { IDC_USE_ATTR_URL: 'false' } });
    expect(answer).not.toHaveProperty('attr_url');
    const result = await attachAndRead({ reference: referenceOf(answer.client_url), result: await token() });
    expect(JSON.parse(result!.data!).attributes).toEqual({ bsn: '999993653' });
  });

  it('starts out authenticated with a valid auth_result, without an attr_url', async () => {
    const answer = await begin({}, { purpose: 'report_move', auth_result: await token({ email: 'a@example.nl' }) });
    expect(answer).not.toHaveProperty('attr_url');
    const result = await attachAndRead({ reference: referenceOf(answer.client_url) });
    expect(JSON.parse(result!.data!)).toEqual({ status: 'succes', attributes: { email: 'a@example.nl' } });
  });

  it('refuses an invalid auth_result with 400 and keeps no session', async () => {
    stack = await stacks.start();
    const forged = await createResultToken(
      { status: 'succes', attributes: { bsn: '1' } },
      { signingKey: stacks.keys.start.privateKey, encryptionKey: stacks.keys.ours.publicKey },
    );
    for (const bad of ['garbage', forged]) {
      const response = await startCommunication({ purpose: 'report_move', auth_result: bad });
      expect(response.status).toBe(400);
      expect((await response.json()).message).toContain('auth_result');
    }
    expect(stack.store.size).toBe(0);
  });

  it('requires the configured Basic credentials', async () => {
    stack = await stacks.start();
    expect((await startCommunication({ purpose: 'report_move' }, null)).status).toBe(401);
    const wrong = await startCommunication({ purpose: 'report_move' }, basic('core', 'guess'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Basic');
    expect((await startCommunication({ purpose: 'report_move' }, 'Bearer x')).status).toBe(401);
    expect(stack.store.size).toBe(0);
  });

  it('needs no credentials when IDC_PLUGIN_AUTH is knowingly off', async () => {
    stack = await stacks.start({ env: { IDC_PLUGIN_AUTH: 'off' } });
    expect((await startCommunication({ purpose: 'report_move' }, null)).status).toBe(200);
  });

  it.each([
    ['not JSON', 'purpose=x', 'body'],
    ['no purpose', { auth_result: 'x' }, 'purpose'],
    ['auth_result not a string', { purpose: 'report_move', auth_result: 5 }, 'auth_result'],
  ])('answers 400 naming the field for %s', async (_what, body, field) => {
    stack = await stacks.start();
    const response = await startCommunication(body);
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain(field);
  });

  it('says it is not configured without IDC_CHAT_URL', async () => {
    stack = await stacks.start({ env: { IDC_CHAT_URL: '' } });
    expect((await startCommunication({ purpose: 'report_move' })).status).toBe(503);
  });

  it('plays the whole core-initiated flow through the stand-in core and auth plugin', async () => {
    stack = await stacks.start();
    // The user picked chat + Yivi at the core: the core calls us, then the auth plugin.
    const started = await fetch(`${stack.core.url}/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma', comm_method: 'chat' }),
    });
    expect(started.status).toBe(200);
    const loginUrl = (await started.json()).client_url as string;
    const landing = await logInAtPlugin(loginUrl);
    const chatUrl = landing.headers.get('location')!;
    expect(chatUrl.startsWith(`${CHAT_URL}?${SESSION_REFERENCE_PARAM}=`)).toBe(true);
    const result = await attachAndRead({ reference: referenceOf(chatUrl) });
    expect(JSON.parse(result!.data!).attributes).toEqual({ bsn: TEST_PERSON.bsn, fullname: TEST_PERSON.fullname });
  });
});

describe('POST /sessions/attach: the reference is spent once exchanged', () => {
  it('gives the stream once; a second exchange (history, shared link) gets 404 and no data', async () => {
    const answer = await begin({}, { purpose: 'report_move', auth_result: await token() });
    const reference = referenceOf(answer.client_url);
    await attachAndRead({ reference });
    const again = await attach({ reference });
    expect(again.status).toBe(404);
    const text = await again.text();
    expect(text).toContain('unknown_reference');
    expect(text).not.toContain('999993653');
  });

  it('ignores a ?result= carried to a session that already has its result: 200, and the stream delivers', async () => {
    const answer = await begin();
    const result = await token();
    expect((await fetch(answer.attr_url!, { method: 'POST', headers: { 'Content-Type': 'application/jwt' }, body: result })).status).toBe(200);
    // The same result on the chat URL too (the core's fallback may do both); the login succeeded.
    const event = await attachAndRead({ reference: referenceOf(answer.client_url), result });
    expect(JSON.parse(event!.data!)).toEqual({ status: 'succes', attributes: { bsn: '999993653' } });
  });

  it('lets only one of two concurrent exchanges win', async () => {
    const answer = await begin();
    const reference = referenceOf(answer.client_url);
    const statuses = (await Promise.all([attach({ reference }), attach({ reference })])).map((response) => response.status).sort();
    expect(statuses).toEqual([200, 404]);
  });

  it('refuses an invalid ?result= with 400 and leaves the reference usable', async () => {
    const answer = await begin({ env: { IDC_USE_ATTR_URL: 'false' } });
    const reference = referenceOf(answer.client_url);
    const bad = await attach({ reference, result: 'not-a-token' });
    expect(bad.status).toBe(400);
    const result = await attachAndRead({ reference, result: await token() });
    expect(JSON.parse(result!.data!).attributes).toEqual({ bsn: '999993653' });
  });

  it('refuses unknown references, bad bodies and other origins', async () => {
    stack = await stacks.start();
    expect((await attach({ reference: 'nope' })).status).toBe(404);
    expect((await attach({})).status).toBe(400);
    const foreign = await fetch(`${stack.url}/sessions/attach`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: JSON.stringify({ reference: 'x' }),
    });
    expect(foreign.status).toBe(403);
  });

  it('expires with the session', async () => {
    const answer = await begin({ env: { IDC_SESSION_TTL_SECONDS: '1' } });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await attach({ reference: referenceOf(answer.client_url) })).status).toBe(404);
    expect(stack.store.size).toBe(0);
  });
});
