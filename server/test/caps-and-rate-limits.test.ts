/**
 * What anonymous browsers can make the backend do is bounded: session starts
 * per address per minute, live sessions, open streams (and one per session),
 * concurrent core calls, and core calls for purposes it does not know.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createCallPool, PoolBusyError } from '../src/upstream/call-pool.ts';
import { createCoreClient } from '../src/upstream/core-client.ts';
import { serveApp } from '../src/http/serve.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { createSession, logInAtPlugin, stacksPerTest, type Stack } from '../../testkit/stack.ts';
import { ResidentBrowser } from '../../testkit/resident-browser.ts';

const stacks = stacksPerTest();
let stack: Stack;

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
}

const start = (headers: Record<string, string> = {}) => post('/sessions', { purpose: 'report_move', auth_method: 'irma' }, headers);
const options = (purpose: string) => fetch(`${stack.url}/session_options/${purpose}`, { headers: { Origin: SITE_ORIGIN } });
const coreCalls = (path: string) => stack.core.requests.filter((request) => request.path.startsWith(path)).length;

describe('session starts per client address', () => {
  it('answers 429 with Retry-After and a JSON error past IDC_SESSIONS_PER_MINUTE, without calling the core', async () => {
    stack = await stacks.start({ env: { IDC_SESSIONS_PER_MINUTE: '3' } });
    for (let i = 0; i < 3; i += 1) expect((await start()).status).toBe(201);
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ error: 'rate_limited', message: expect.any(String) });
    expect(coreCalls('/start')).toBe(3);
    expect(stack.store.size).toBe(3);
  });

  it('counts attach and session_options misses with POST /sessions, and not stream opens or cached options', async () => {
    stack = await stacks.start({ env: { IDC_SESSIONS_PER_MINUTE: '4' } });
    const first = await (await start()).json();
    for (let i = 0; i < 5; i += 1) {
      const reader = await stacks.open(first.events_url);
      expect(reader.response.status).toBe(200);
    }
    // report_move's options are cached by the start's own check of its auth method.
    expect((await options('personal_question')).status).toBe(200); // a miss: counted
    for (let i = 0; i < 5; i += 1) expect((await options('personal_question')).status).toBe(200); // cached: free
    expect((await options('report_move')).status).toBe(200); // cached: free
    expect((await post('/sessions/attach', { reference: 'not-a-reference' })).status).toBe(404); // counted
    expect((await start()).status).toBe(201);
    expect((await start()).status).toBe(429);
    expect((await post('/sessions/attach', { reference: 'not-a-reference' })).status).toBe(429);
    expect((await options('no_such_purpose')).status).toBe(429);
  });

  it('uses the socket address, not X-Forwarded-For, unless IDC_TRUST_PROXY says so', async () => {
    stack = await stacks.start({ env: { IDC_SESSIONS_PER_MINUTE: '2' } });
    for (let i = 0; i < 2; i += 1) expect((await start({ 'X-Forwarded-For': `203.0.113.${i}` })).status).toBe(201);
    expect((await start({ 'X-Forwarded-For': '203.0.113.99' })).status).toBe(429);
  });

  it('behind one trusted proxy, counts per the address that proxy saw, whatever the client wrote before it', async () => {
    stack = await stacks.start({ env: { IDC_SESSIONS_PER_MINUTE: '2', IDC_TRUST_PROXY: '1' } });
    const from = (client: string, spoofed = '198.51.100.7') => start({ 'X-Forwarded-For': `${spoofed}, ${client}` });
    expect((await from('203.0.113.1')).status).toBe(201);
    expect((await from('203.0.113.1', '10.0.0.1')).status).toBe(201);
    expect((await from('203.0.113.1', '10.0.0.2')).status).toBe(429);
    expect((await from('203.0.113.2')).status).toBe(201);
  });
});

describe('unknown purposes', () => {
  it('are remembered: 30 asks for the same unknown purpose are one core call', async () => {
    stack = await stacks.start();
    for (let i = 0; i < 30; i += 1) expect((await options('no_such_purpose')).status).toBe(404);
    expect(coreCalls('/session_options/no_such_purpose')).toBe(1);
  });
});

describe('live sessions', () => {
  it('past IDC_MAX_SESSIONS, new ones get 503 with Retry-After, from the widget and from the core', async () => {
    stack = await stacks.start({ env: { IDC_MAX_SESSIONS: '2' } });
    expect((await start()).status).toBe(201);
    expect((await start()).status).toBe(201);
    const refused = await start();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: 'too_many_sessions' });
    const basic = `Basic ${Buffer.from('core:core-secret').toString('base64')}`;
    expect((await post('/start_communication', { purpose: 'report_move' }, { Authorization: basic })).status).toBe(503);
    expect(stack.store.size).toBe(2);
    expect(coreCalls('/start')).toBe(2);
  });
});

describe('event streams', () => {
  it('past IDC_MAX_STREAMS, a new one gets 503 with Retry-After; a closed one frees its place', async () => {
    stack = await stacks.start({ env: { IDC_MAX_STREAMS: '2' } });
    const sessions = await Promise.all([start(), start(), start()].map(async (response) => (await response).json()));
    const first = await stacks.open(sessions[0].events_url);
    await stacks.open(sessions[1].events_url);
    const refused = await stacks.open(sessions[2].events_url);
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get('retry-after')).toMatch(/^\d+$/);
    first.close();
    await expect.poll(async () => (await stacks.open(sessions[2].events_url)).response.status).toBe(200);
  });

  it('keeps one stream per session: a newer stream ends the older one, and the newer gets the result', async () => {
    stack = await stacks.start();
    const session = await (await start()).json();
    const older = await stacks.open(session.events_url);
    expect((await older.next())?.event).toBe('state');
    const newer = await stacks.open(session.events_url);
    expect((await newer.next())?.event).toBe('state');
    expect(await older.ended(2000)).toBe(true);
    await new ResidentBrowser(stack.url).logIn(session);
    expect((await newer.next())?.event).toBe('result');
  });

  it('does not let 50 streams on one session hold 50 places', async () => {
    stack = await stacks.start({ env: { IDC_MAX_STREAMS: '3' } });
    const session = await (await start()).json();
    for (let i = 0; i < 50; i += 1) {
      const reader = await stacks.open(session.events_url);
      expect(reader.response.status).toBe(200);
      await reader.next();
    }
    const other = await (await start()).json();
    await expect.poll(async () => (await stacks.open(other.events_url)).response.status).toBe(200);
  });
});

describe('calls to the core', () => {
  it('are bounded: past the pool and its queue, a start gets 503 core_busy at once', async () => {
    // A core that takes a second per start, so the five starts overlap.
    const slowCore = await serveApp(
      new Hono()
        .get('/session_options/:purpose', (c) => c.json({ auth_methods: [{ tag: 'irma', name: 'Yivi', image_path: '/irma.svg' }], comm_methods: [] }))
        .post('/start', async (c) => {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          return c.json({ client_url: 'https://auth.example/login' });
        }),
    );
    try {
      const core = createCoreClient({ coreUrl: slowCore.url }, fetch, { maxConcurrent: 2, maxQueued: 1, maxWaitMs: 5000 });
      stack = await stacks.start({ deps: { core } });
      const started = Date.now();
      const responses = await Promise.all(Array.from({ length: 5 }, () => start()));
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(3);
      const busy = responses.filter((response) => response.status === 503);
      expect(busy).toHaveLength(2);
      expect(await busy[0]!.json()).toMatchObject({ error: 'core_busy' });
      expect(busy[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000); // the third waited its turn
    } finally {
      await slowCore.close();
    }
  });
});

describe('createCallPool', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs at most maxConcurrent at once and queues the rest', async () => {
    const pool = createCallPool({ maxConcurrent: 2, maxQueued: 10, maxWaitMs: 1000 });
    let running = 0;
    let most = 0;
    const call = async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(20);
      running -= 1;
    };
    await Promise.all(Array.from({ length: 6 }, () => pool.run(call)));
    expect(most).toBe(2);
  });

  it('refuses at once when the queue is full, and after maxWaitMs in it', async () => {
    const pool = createCallPool({ maxConcurrent: 1, maxQueued: 1, maxWaitMs: 50 });
    const long = pool.run(() => sleep(200));
    const queued = pool.run(async () => 'late');
    await expect(pool.run(async () => 'x')).rejects.toBeInstanceOf(PoolBusyError);
    await expect(queued).rejects.toBeInstanceOf(PoolBusyError);
    await long;
    expect(await pool.run(async () => 'free again')).toBe('free again');
  });

  it('frees the place of a call that throws', async () => {
    const pool = createCallPool({ maxConcurrent: 1, maxQueued: 0, maxWaitMs: 10 });
    await expect(pool.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await pool.run(async () => 1)).toBe(1);
  });
});
