/**
 * `GET /sessions/:id/status`, the widget's polling fallback, over real HTTP with the stand-in core
 * and auth plugin: it says what the session's stream would say (waiting, the result, expired),
 * holds a result back until it is released, delivers it as the stream does, takes the stream
 * token only as Bearer, is never cached, is rate-limited per session, and logs no attribute.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SessionStatus } from '../src/protocol.ts';
import { STATUS_POLLS_PER_MINUTE } from '../src/routes/sessions-status.ts';
import { MemorySessionStore } from '../src/store/memory-store.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { ResidentBrowser, type LaunchableSession } from '../../testkit/resident-browser.ts';
import { logInAtPlugin, stacksPerTest, TEST_PERSON, type Stack, type StackOptions } from '../../testkit/stack.ts';

const stacks = stacksPerTest();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let stack: Stack;
/** The app's store (the stack's own `store` is not the one in use when deps give one). */
let store: MemorySessionStore;

/** The store's clock and the app's, each movable: `store` and `app` are offsets in ms. */
const skew = { store: 0, app: 0 };

async function start(options: StackOptions = {}) {
  skew.store = 0;
  skew.app = 0;
  const held = new MemorySessionStore(() => Date.now() + skew.store);
  store = held;
  cleanups.push(() => held.close());
  stack = await stacks.start({ ...options, deps: { store, now: () => new Date(Date.now() + skew.app), ...options.deps } });
  return stack;
}

type Started = LaunchableSession & { events_url: string; token: string };

async function startLogin(): Promise<Started> {
  const response = await fetch(`${stack.url}/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
    body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma' }),
  });
  expect(response.status).toBe(201);
  const session = await response.json();
  return { ...session, token: new URL(session.events_url).searchParams.get('token')! };
}

function poll(session: { session_id: string }, token: string | undefined, headers: Record<string, string> = {}) {
  return fetch(`${stack.url}/sessions/${session.session_id}/status`, {
    headers: { Origin: SITE_ORIGIN, ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

/** A poll that must answer 200: its SessionStatus, checked against the wire schema. */
async function status(session: Started): Promise<SessionStatus> {
  const response = await poll(session, session.token);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = await response.json();
  expect(SessionStatus.parse(body)).toEqual(body);
  return body;
}

const SUCCESS = { state: 'result', result: { status: 'succes', attributes: { bsn: TEST_PERSON.bsn, fullname: TEST_PERSON.fullname } } };

describe('GET /sessions/:id/status', () => {
  it('says waiting while the login is under way, uncached, to the allowed site only', async () => {
    await start();
    const session = await startLogin();
    expect(await status(session)).toEqual({ state: 'waiting' });
    // The widget's page may ask (CORS lets its Authorization header through); another page may not.
    const preflight = await fetch(`${stack.url}/sessions/${session.session_id}/status`, {
      method: 'OPTIONS',
      headers: { Origin: SITE_ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const elsewhere = await poll(session, session.token, { Origin: 'https://phish.example' });
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toMatchObject({ error: 'origin_not_allowed' });
  });

  it('delivers the result as the stream does: again to a page that missed it, then gone once the stream says it has it', async () => {
    await start();
    const session = await startLogin();
    await new ResidentBrowser(stack.url).logIn(session);
    expect(await status(session)).toEqual(SUCCESS);
    // Marked delivered: the attributes stay only the grace period.
    const held = await store.get(session.session_id);
    expect(held?.deliveredAt).toBeDefined();
    expect(held!.expiresAt).toBeLessThanOrEqual(held!.deliveredAt! + stack.config.resultGraceSeconds * 1000);
    // Within it, another poll and a stream without Last-Event-ID get the result again.
    expect(await status(session)).toEqual(SUCCESS);
    const stream = await stacks.open(session.events_url);
    expect((await stream.next())?.event).toBe('state');
    const final = await stream.next();
    expect({ event: final?.event, data: JSON.parse(final!.data!) }).toEqual({ event: 'result', data: SUCCESS.result });
    // A stream that has it (Last-Event-ID: 2): 204, the session goes, and so does the status.
    const reconnect = await stacks.open(session.events_url, { 'Last-Event-ID': '2' });
    expect(reconnect.response.status).toBe(204);
    const after = await poll(session, session.token);
    expect(after.status).toBe(404);
    expect(await after.json()).toMatchObject({ error: 'unknown_session' });
  });

  it('keeps a login with a session_url for logout, and says logout; once its attributes are gone, 410', async () => {
    await start({ plugin: { withSession: true } });
    const session = await startLogin();
    await new ResidentBrowser(stack.url).logIn(session);
    expect(await status(session)).toEqual({ state: 'result', result: { ...SUCCESS.result, logout: true } });
    const held = await store.get(session.session_id);
    expect(held!.expiresAt).toBe(held!.deliveredAt! + stack.config.feedbackTtlSeconds * 1000);
    await store.purgeAttributes(session.session_id);
    const gone = await poll(session, session.token);
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ error: 'result_delivered' });
    // The session is still there for logout.
    expect((await fetch(`${stack.url}/sessions/${session.session_id}/logout`, { method: 'POST', headers: { Authorization: `Bearer ${session.token}` } })).status).toBe(200);
  });

  it('holds back a result until it is released, and a poll makes the release check itself', async () => {
    await start({ env: { IDC_BINDING_SETTLE_MS: '30000' } });
    const session = await startLogin();
    const resident = new ResidentBrowser(stack.url);
    const landing = await logInAtPlugin(await resident.launch(session));
    expect(stack.plugin.resultDeliveries.map((delivery) => delivery.status)).toEqual([200]);
    // The result is in, but this browser has not returned: nothing of it yet.
    expect(await status(session)).toEqual({ state: 'waiting' });
    expect((await resident.navigate(landing.headers.get('location')!)).status).toBe(200);
    // Returned, but the settle time runs (its timer is 30 s away): still waiting.
    expect(await status(session)).toEqual({ state: 'waiting' });
    expect((await store.get(session.session_id))?.binding?.releasedAt).toBeUndefined();
    // The settle time is over by the store's clock: the poll releases it and answers with it.
    skew.store = 31_000;
    expect(await status(session)).toEqual(SUCCESS);
    expect((await store.get(session.session_id))?.binding?.releasedAt).toBeDefined();
  });

  it('says a login that ended in another browser failed, and why, with nothing of the result', async () => {
    await start();
    const session = await startLogin();
    const clientUrl = await new ResidentBrowser(stack.url).launch(session);
    expect((await new ResidentBrowser(stack.url).finishLogin(clientUrl)).status).toBe(403);
    expect(await status(session)).toEqual({ state: 'result', result: { status: 'failed', reason: 'other_browser' } });
  });

  it('says expired as the stream does when the session has run out, and 404 once the store let it go', async () => {
    await start();
    const session = await startLogin();
    skew.app = (stack.config.sessionTtlSeconds + 1) * 1000;
    expect(await status(session)).toEqual({ state: 'expired' });
    const stream = await stacks.open(session.events_url);
    expect((await stream.next())?.event).toBe('state');
    expect((await stream.next())?.event).toBe('expired');
    skew.store = skew.app;
    const gone = await poll(session, session.token);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('cache-control')).toBe('no-store');
  });

  it('takes the stream token as Bearer only: missing 401, wrong 403, unknown session 404', async () => {
    await start();
    const session = await startLogin();
    const other = await startLogin();

    const missing = await poll(session, undefined);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await missing.json()).toMatchObject({ error: 'token_required' });
    // In the URL, as the events_url carries it: not taken.
    const inUrl = await fetch(`${stack.url}/sessions/${session.session_id}/status?token=${session.token}`, { headers: { Origin: SITE_ORIGIN } });
    expect(inUrl.status).toBe(401);
    for (const token of [other.token, 'x'.repeat(43), '']) {
      const wrong = await poll(session, token);
      expect(wrong.status).toBe(token === '' ? 401 : 403);
      if (token !== '') expect(await wrong.json()).toMatchObject({ error: 'invalid_token' });
    }
    const unknown = await poll({ session_id: 'no-such-session' }, session.token);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'unknown_session' });
    // Refused polls did not count against the session's own.
    expect(await status(session)).toEqual({ state: 'waiting' });
  });

  it(`answers 429 with Retry-After after ${STATUS_POLLS_PER_MINUTE} polls a minute, per session`, async () => {
    await start();
    const session = await startLogin();
    const other = await startLogin();
    for (let i = 0; i < STATUS_POLLS_PER_MINUTE; i++) expect((await poll(session, session.token)).status).toBe(200);
    const limited = await poll(session, session.token);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await status(other)).toEqual({ state: 'waiting' });
    // A minute later (by the store's clock, which keeps the count) it answers again.
    skew.store = 61_000;
    expect(await status(session)).toEqual({ state: 'waiting' });
  });

  it('never logs a result\'s attributes or the token', async () => {
    await start();
    const session = await startLogin();
    await new ResidentBrowser(stack.url).logIn(session);
    expect(await status(session)).toEqual(SUCCESS);
    const log = stack.logger.lines.join('\n');
    expect(log).toContain('"route":"/sessions/:id/status","status":200');
    for (const secret of [TEST_PERSON.bsn, TEST_PERSON.fullname, session.token, session.session_id]) expect(log).not.toContain(secret);
  });
});
