import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { serveApp } from '../src/http/serve.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { createSession, stackKeys, startStack, START_KID, type Stack } from '../../testkit/stack.ts';

let keys: ReturnType<typeof stackKeys>;
let stack: Stack | undefined;
beforeAll(() => {
  keys = stackKeys();
});
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const options = (purpose: string, origin = SITE_ORIGIN) =>
  fetch(`${stack!.url}/session_options/${purpose}`, { headers: { Origin: origin } });

describe('GET /session_options/:purpose', () => {
  it('returns the auth methods from the core with absolute image URLs', async () => {
    stack = await startStack({ keys });
    const response = await options('report_move');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    expect(await response.json()).toEqual({
      purpose: 'report_move',
      name: 'Verhuizing doorgeven',
      auth_methods: [
        { tag: 'irma', name: 'Yivi', image_url: `${stack.core.url}/static/irma.svg` },
        { tag: 'digid', name: 'DigiD', image_url: `${stack.core.url}/static/digid.svg` },
      ],
    });
    // The image is really there, at the core's public URL.
    expect((await fetch(`${stack.core.url}/static/irma.svg`)).status).toBe(200);
  });

  it('only lists methods the purpose allows', async () => {
    stack = await startStack({ keys });
    const body = await (await options('personal_question')).json();
    expect(body.auth_methods.map((method: { tag: string }) => method.tag)).toEqual(['irma']);
    // The core gave this purpose no name: none is made up.
    expect(body).not.toHaveProperty('name');
  });

  it('resolves image paths against IDC_CORE_PUBLIC_URL', async () => {
    stack = await startStack({ keys, env: { IDC_CORE_PUBLIC_URL: 'https://core.gemeente.example/' } });
    const body = await (await options('report_move')).json();
    expect(body.auth_methods[0].image_url).toBe('https://core.gemeente.example/static/irma.svg');
  });

  it('answers 404 unknown_purpose for a purpose the core does not know', async () => {
    stack = await startStack({ keys });
    const response = await options('no_such_purpose');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'unknown_purpose', message: expect.any(String) });
  });

  it('answers 404 for a purpose that is not even well-formed, without asking the core', async () => {
    stack = await startStack({ keys });
    const response = await options('%3Cscript%3E');
    expect(response.status).toBe(404);
    expect(stack.core.requests).toHaveLength(0);
  });

  it('serves repeated requests from a short cache', async () => {
    stack = await startStack({ keys });
    await options('report_move');
    await Promise.all([options('report_move'), options('report_move')]);
    expect(stack.core.requests.filter((request) => request.path === '/session_options/report_move')).toHaveLength(1);
  });

  it('asks again once the cache entry is old', async () => {
    stack = await startStack({ keys, deps: { optionsCacheMs: 20 } });
    await options('report_move');
    await new Promise((resolve) => setTimeout(resolve, 40));
    await options('report_move');
    expect(stack.core.requests.filter((request) => request.path === '/session_options/report_move')).toHaveLength(2);
  });

  it('does not send CORS headers to an origin that is not allowed', async () => {
    stack = await startStack({ keys });
    const response = await options('report_move', 'https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers 502 with a JSON error when the core is down, and recovers when it is back', async () => {
    stack = await startStack({ keys });
    await stack.core.close();
    const response = await options('report_move');
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'core_unavailable', message: expect.stringContaining('core') });
  });

  it.each([
    ['HTML', (c: import('hono').Context) => c.html('<h1>oops</h1>')],
    ['JSON of the wrong shape', (c: import('hono').Context) => c.json({ auth_methods: [{ tag: 1 }] })],
    ['a 500', (c: import('hono').Context) => c.text('boom', 500)],
  ])('answers 502 when the core answers %s', async (_what, answer) => {
    const nonsense = await serveApp(new Hono().get('/session_options/:purpose', answer));
    try {
      stack = await startStack({ keys, env: { IDC_CORE_URL: nonsense.url } });
      const response = await options('report_move');
      expect(response.status).toBe(502);
      expect((await response.json()).error).toBe('core_unavailable');
    } finally {
      await nonsense.close();
    }
  });

  it('uses HTTP Basic credentials when the core requires them', async () => {
    const basicAuth = { user: 'widget', password: 's3cret:with-colon' };
    stack = await startStack({ keys, core: { basicAuth }, env: { IDC_CORE_AUTH: 'widget:s3cret:with-colon' } });
    expect((await options('report_move')).status).toBe(200);
    await stack.close();
    stack = await startStack({ keys, core: { basicAuth } });
    expect((await options('report_move')).status).toBe(502);
  });
});

describe('POST /sessions', () => {
  it('starts at the core (plain form) and answers 201 with a launch and events_url, never the core’s client_url', async () => {
    stack = await startStack({ keys });
    const response = await createSession(stack);
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    const body = await response.json();
    expect(body.session_id).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(Object.keys(body).sort()).toEqual(['events_url', 'launch_token', 'launch_url', 'session_id']);
    expect(body.launch_url).toBe(`${stack.url}/launch/${body.session_id}`);
    expect(body.launch_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(body)).not.toContain(stack.plugin.url);
    expect(body.events_url).toMatch(new RegExp(`^${stack.url}/sessions/${body.session_id}/events\\?token=[A-Za-z0-9_-]{43,}$`));

    const start = stack.core.requests.find((request) => request.path === '/start')!;
    expect(start.contentType).toContain('application/json');
    expect(start.accept).toBe('application/json');
    const sent = start.body as Record<string, string>;
    expect(sent).toMatchObject({ purpose: 'report_move', auth_method: 'irma' });
    expect(sent.comm_url).toBe(`${stack.url}/return/${body.session_id}`);
    const attrId = sent.attr_url!.slice(`${stack.url}/attributes/`.length);
    expect(sent.attr_url).toBe(`${stack.url}/attributes/${attrId}`);
    expect(attrId).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(attrId).not.toBe(body.session_id);
    expect(body.events_url).not.toContain(attrId);
  });

  it('gives the core the internal URL in attr_url and the public one in comm_url', async () => {
    stack = await startStack({ keys, env: { IDC_INTERNAL_URL: 'http://backend.internal:8080' } });
    const body = await (await createSession(stack)).json();
    const sent = stack.core.requests.find((request) => request.path === '/start')!.body as Record<string, string>;
    expect(sent.attr_url).toMatch(/^http:\/\/backend\.internal:8080\/attributes\//);
    expect(sent.comm_url).toBe(`${stack.url}/return/${body.session_id}`);
  });

  it('puts the widget’s language on the comm_url, for the return page', async () => {
    stack = await startStack({ keys });
    const body = await (await createSession(stack, { purpose: 'report_move', auth_method: 'irma', lang: 'en' })).json();
    const sent = stack.core.requests.find((request) => request.path === '/start')!.body as Record<string, string>;
    expect(sent.comm_url).toBe(`${stack.url}/return/${body.session_id}?lang=en`);
  });

  it('leaves attr_url out when IDC_USE_ATTR_URL=false, so the result comes back on the comm_url', async () => {
    stack = await startStack({ keys, env: { IDC_USE_ATTR_URL: 'false' } });
    const body = await (await createSession(stack)).json();
    const sent = stack.core.requests.find((request) => request.path === '/start')!.body as Record<string, string>;
    expect(sent).not.toHaveProperty('attr_url');
    expect(sent.comm_url).toBe(`${stack.url}/return/${body.session_id}`);
  });

  it('uses the signed application/jwt form when a start key is configured', async () => {
    stack = await startStack({ keys, signedStart: true, core: { rejectPlainStart: true } });
    const response = await createSession(stack);
    expect(response.status).toBe(201);
    const start = stack.core.requests.find((request) => request.path === '/start')!;
    expect(start.contentType).toBe('application/jwt');
    const jws = start.body as string;
    expect(decodeProtectedHeader(jws)).toMatchObject({ alg: 'ES256', kid: START_KID });
    const { payload } = await jwtVerify(jws, keys.start.publicKey);
    expect(payload.request).toMatchObject({ purpose: 'report_move', auth_method: 'irma' });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
  });

  it('answers 502 when a newer core refuses the plain form', async () => {
    stack = await startStack({ keys, core: { rejectPlainStart: true } });
    const response = await createSession(stack);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'core_refused' });
  });

  it('answers 502 when the signature uses a kid the core does not know', async () => {
    stack = await startStack({ keys, signedStart: true, env: { IDC_START_KID: 'someone-else' } });
    expect((await createSession(stack)).status).toBe(502);
  });

  it('answers 502 and keeps no session when the core refuses the start', async () => {
    // A method the core does not offer never reaches /start (session-start-checks.test.ts).
    stack = await startStack({ keys, core: { rejectPlainStart: true } });
    const response = await createSession(stack, { purpose: 'personal_question', auth_method: 'irma' });
    expect(response.status).toBe(502);
    expect(stack.store.size).toBe(0);
  });

  it('answers 502 when the core is down', async () => {
    stack = await startStack({ keys });
    await stack.core.close();
    expect((await createSession(stack)).status).toBe(502);
    expect(stack.store.size).toBe(0);
  });

  it.each([
    ['not JSON', 'purpose=report_move', 'body'],
    ['no purpose', JSON.stringify({ auth_method: 'irma' }), 'purpose'],
    ['no auth_method', JSON.stringify({ purpose: 'report_move' }), 'auth_method'],
    ['a number for purpose', JSON.stringify({ purpose: 7, auth_method: 'irma' }), 'purpose'],
    ['return_url not a URL', JSON.stringify({ purpose: 'report_move', auth_method: 'irma', return_url: 'nope' }), 'return_url'],
    ['return_url javascript:', JSON.stringify({ purpose: 'report_move', auth_method: 'irma', return_url: 'javascript:alert(1)' }), 'return_url'],
    [
      'return_url on another origin',
      JSON.stringify({ purpose: 'report_move', auth_method: 'irma', return_url: 'https://evil.example/chat' }),
      'return_url',
    ],
  ])('answers 400 naming the field for %s', async (_what, body, field) => {
    stack = await startStack({ keys });
    const response = await fetch(`${stack.url}/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
      body,
    });
    expect(response.status).toBe(400);
    const error = await response.json();
    expect(error.error).toBe('invalid_request');
    expect(error.message).toContain(field);
    expect(stack.core.requests.filter((request) => request.path === '/start')).toHaveLength(0);
  });

  it('accepts a return_url on an allowed origin', async () => {
    stack = await startStack({ keys });
    const response = await createSession(stack, { purpose: 'report_move', auth_method: 'irma', return_url: `${SITE_ORIGIN}/chat?x=1` });
    expect(response.status).toBe(201);
  });

  it('refuses requests from a page on an origin that is not allowed', async () => {
    stack = await startStack({ keys });
    const response = await fetch(`${stack.url}/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma' }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the CORS preflight for allowed origins only', async () => {
    stack = await startStack({ keys });
    const preflight = (origin: string) =>
      fetch(`${stack!.url}/sessions`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
    const allowed = await preflight(SITE_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
