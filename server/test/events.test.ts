import { describe, expect, it } from 'vitest';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { MemorySessionStore } from '../src/store/memory-store.ts';
import type { SessionChange } from '../src/store/session-store.ts';
import { createSession, logInAtPlugin, stacksPerTest, TEST_PERSON, type Stack, type StackOptions } from '../../testkit/stack.ts';
import { ResidentBrowser } from '../../testkit/resident-browser.ts';
import { encryptPayload, signClaims, validClaims } from '../../testkit/tokens.ts';

/** Counts live subscriptions, to prove every way a stream ends cleans up. */
class CountingStore extends MemorySessionStore {
  active = 0;
  override subscribe(id: string, listener: (change: SessionChange) => void): () => void {
    this.active += 1;
    const off = super.subscribe(id, listener);
    let done = false;
    return () => {
      if (!done) this.active -= 1;
      done = true;
      off();
    };
  }
}

const stacks = stacksPerTest();
let stack: Stack;

async function start(options: StackOptions = {}) {
  stack = await stacks.start(options);
  const body = await (await createSession(stack)).json();
  const sent = stack.core.requests.find((request) => request.path === '/start')!.body as { attr_url: string };
  return { ...body, attrUrl: sent.attr_url, browser: new ResidentBrowser(stack.url) } as { browser: ResidentBrowser; session_id: string; launch_url: string; launch_token: string; events_url: string; attrUrl: string };
}

const open = (url: string, headers?: Record<string, string>) => stacks.open(url, headers);

async function postResult(attrUrl: string, token: string) {
  return fetch(attrUrl, { method: 'POST', headers: { 'Content-Type': 'application/jwt' }, body: token });
}

function token(claims: Parameters<typeof createResultToken>[0] = { status: 'succes', attributes: { bsn: '999993653' } }) {
  return createResultToken(claims, { signingKey: stacks.keys.plugin.privateKey, encryptionKey: stacks.keys.ours.publicKey });
}

describe('GET /sessions/:id/events', () => {
  it('streams waiting at once, then the result the auth plugin posts, then ends', async () => {
    const session = await start();
    const stream = await open(session.events_url);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
    expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.response.headers.get('cache-control')).toBe('no-store');
    expect(await stream.next()).toEqual({ event: 'state', id: '1', data: '{"state":"waiting"}' });
    // Every engine reconnects after the same delay, not its own default.
    expect(stream.retry).toBe(3000);

    const browser = new ResidentBrowser(stack.url);
    const landing = await logInAtPlugin(await browser.launch(session));
    expect(landing.status).toBe(303);
    expect(landing.headers.get('location')).toBe(`${stack.url}/return/${session.session_id}`);
    // The result is released once the browser that started the login is back.
    expect((await browser.navigate(landing.headers.get('location')!)).status).toBe(200);

    const result = await stream.next();
    expect(result).toMatchObject({ event: 'result', id: '2' });
    // Only what the purpose asks for (report_move: bsn, fullname).
    expect(JSON.parse(result!.data!)).toEqual({
      status: 'succes',
      attributes: { bsn: TEST_PERSON.bsn, fullname: TEST_PERSON.fullname },
    });
    expect(await stream.ended()).toBe(true);
  });

  it('streams a failed authentication as {"status":"failed"}', async () => {
    const session = await start();
    const stream = await open(session.events_url);
    await stream.next();
    await new ResidentBrowser(stack.url).logIn(session, 'failed');
    const result = await stream.next();
    expect(result?.event).toBe('result');
    expect(JSON.parse(result!.data!)).toEqual({ status: 'failed' });
  });

  it('takes the result from ?result= on the comm_url when there is no attr_url', async () => {
    stack = await stacks.start({ env: { IDC_USE_ATTR_URL: 'false' } });
    const session = await (await createSession(stack)).json();
    const stream = await open(session.events_url);
    await stream.next();
    const browser = new ResidentBrowser(stack.url);
    const landing = await logInAtPlugin(await browser.launch(session));
    const returnUrl = landing.headers.get('location')!;
    expect(returnUrl).toMatch(new RegExp(`^${stack.url}/return/${session.session_id}\\?result=`));
    expect(stack.plugin.resultDeliveries).toHaveLength(0);
    // The browser follows the redirect: the return page verifies and attaches the result.
    expect((await browser.navigate(returnUrl)).status).toBe(200);
    const result = await stream.next();
    expect(JSON.parse(result!.data!)).toEqual({ status: 'succes', attributes: { bsn: TEST_PERSON.bsn, fullname: TEST_PERSON.fullname } });
  });

  it('sends a result that arrived before the stream opened on connect', async () => {
    const session = await start();
    await session.browser.launchAndReturn(session);
    expect((await postResult(session.attrUrl, await token())).status).toBe(200);
    const stream = await open(session.events_url);
    expect((await stream.next())?.event).toBe('state');
    const result = await stream.next();
    expect(result?.event).toBe('result');
    expect(JSON.parse(result!.data!).attributes).toEqual({ bsn: '999993653' });
  });

  it('lets a reconnect that missed the result get it again, and a reconnect that has it stop with 204', async () => {
    const session = await start();
    await session.browser.launchAndReturn(session);
    await postResult(session.attrUrl, await token());
    const first = await open(session.events_url);
    await first.next();
    expect((await first.next())?.event).toBe('result');

    // A reconnect that saw only the waiting state (Last-Event-ID 1) gets the result again.
    const again = await open(session.events_url, { 'Last-Event-ID': '1' });
    await again.next();
    expect((await again.next())?.event).toBe('result');

    // One that saw the result gets 204 (EventSource stops), and the session is gone.
    const done = await fetch(session.events_url, { headers: { 'Last-Event-ID': '2' } });
    expect(done.status).toBe(204);
    expect(await stack.store.get(session.session_id)).toBeUndefined();
    expect((await fetch(session.events_url)).status).toBe(404);
  });

  it('deletes a delivered result after the grace period', async () => {
    const session = await start({ env: { IDC_RESULT_GRACE_SECONDS: '1' } });
    await session.browser.launchAndReturn(session);
    await postResult(session.attrUrl, await token());
    const stream = await open(session.events_url);
    await stream.next();
    expect((await stream.next())?.event).toBe('result');
    expect((await stack.store.get(session.session_id))?.result).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await stack.store.get(session.session_id)).toBeUndefined();
    expect(stack.store.size).toBe(0);
  });

  it('sends expired when the session times out without a result, and deletes it', async () => {
    const session = await start({ env: { IDC_SESSION_TTL_SECONDS: '1' } });
    const stream = await open(session.events_url);
    await stream.next();
    const expired = await stream.next(2500);
    expect(expired).toMatchObject({ event: 'expired', id: '2' });
    expect(await stream.ended()).toBe(true);
    expect(stack.store.size).toBe(0);
    expect((await fetch(session.events_url)).status).toBe(404);
  });

  it('sends heartbeat comments while waiting', async () => {
    const session = await start({ deps: { heartbeatMs: 50 } });
    const stream = await open(session.events_url);
    await stream.next();
    expect(await stream.next()).toEqual({ comment: 'heartbeat' });
  });

  it('cuts off a stream whose client stops reading, at the next heartbeat, and cleans it up', async () => {
    const store = new CountingStore();
    const session = await start({ deps: { store, heartbeatMs: 100 } });
    const sockets: import('node:net').Socket[] = [];
    stack.server.on('connection', (socket) => sockets.push(socket));
    const stream = await open(session.events_url);
    await stream.next();
    expect(store.active).toBe(1);
    // Whatever the server writes now stays in its buffer, as when a client's window is full.
    for (const socket of sockets) socket.cork();
    await waitFor(() => store.active === 0);
    expect(await stream.ended(2000)).toBe(true);
  });

  it('never streams a refused result: the first final event is the valid one', async () => {
    const session = await start();
    const stream = await open(session.events_url);
    await stream.next();
    const bad = [
      'not-a-jwe',
      await encryptPayload({ njwt: await signClaims(validClaims({ sub: 'x' }), stacks.keys.plugin.privateKey, 'RS256') }, stacks.keys.ours.publicKey),
      await encryptPayload({ njwt: await signClaims(validClaims(), stacks.keys.start.privateKey, 'ES256') }, stacks.keys.ours.publicKey),
    ];
    for (const body of bad) expect((await postResult(session.attrUrl, body)).status).toBe(400);
    expect(await stream.next(200)).toBeUndefined();
    await session.browser.launchAndReturn(session);
    await postResult(session.attrUrl, await token({ status: 'succes', attributes: { bsn: '123456782' } }));
    const result = await stream.next();
    expect(JSON.parse(result!.data!).attributes).toEqual({ bsn: '123456782' });
  });

  it('refuses a wrong or missing token with 403 and an unknown session with 404', async () => {
    const session = await start();
    const url = new URL(session.events_url);
    const token = url.searchParams.get('token')!;
    url.searchParams.set('token', token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'));
    expect((await fetch(url)).status).toBe(403);
    url.searchParams.delete('token');
    expect((await fetch(url)).status).toBe(403);
    expect((await fetch(`${stack.url}/sessions/unknown/events?token=${token}`)).status).toBe(404);
  });

  it('cleans up a stream when the client goes away, when the result is sent, and at expiry', async () => {
    const store = new CountingStore();
    const session = await start({ deps: { store }, env: { IDC_SESSION_TTL_SECONDS: '2' } });

    const abandoned = await open(session.events_url);
    await abandoned.next();
    expect(store.active).toBe(1);
    abandoned.close();
    await waitFor(() => store.active === 0);

    const delivered = await open(session.events_url);
    await delivered.next();
    await session.browser.launchAndReturn(session);
    await postResult(session.attrUrl, await token());
    await delivered.next();
    await waitFor(() => store.active === 0);

    // A second session left to expire.
    const other = await (await createSession(stack)).json();
    const expiring = await open(other.events_url);
    await expiring.next();
    expect(store.active).toBe(1);
    expect((await expiring.next(3000))?.event).toBe('expired');
    await waitFor(() => store.active === 0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
