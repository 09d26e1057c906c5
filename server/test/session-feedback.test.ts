import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createFeedbackSender } from '../src/upstream/feedback-sender.ts';
import { serveApp } from '../src/http/serve.ts';
import { recordingLogger, SITE_ORIGIN } from '../../testkit/backend.ts';
import { createSession, logInAtPlugin, stacksPerTest, type Stack, type StackOptions } from '../../testkit/stack.ts';
import { ResidentBrowser } from '../../testkit/resident-browser.ts';

const stacks = stacksPerTest();
let stack: Stack;

const fastFeedback = (logger: ReturnType<typeof recordingLogger>) => createFeedbackSender(logger, { timeoutMs: 150, retryDelaysMs: [20, 20] });

/** A user logged in through the session-keeping test auth plugin; the widget holds the result. */
async function loggedIn(options: StackOptions = {}) {
  stack = await stacks.start({ plugin: { withSession: true, hangMs: 2000 }, ...options });
  const session = await (await createSession(stack)).json();
  const reader = await stacks.open(session.events_url);
  await reader.next();
  await new ResidentBrowser(stack.url).logIn(session);
  const result = JSON.parse((await reader.next())!.data!);
  const token = new URL(session.events_url).searchParams.get('token')!;
  const call = (what: 'activity' | 'logout', bearer = token) =>
    fetch(`${stack.url}/sessions/${session.session_id}/${what}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, Origin: SITE_ORIGIN },
    });
  return { session, result, call, eventsUrl: session.events_url as string };
}

async function waitFor(condition: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('session feedback', () => {
  it('tells the widget a logout is possible, without showing it the session_url', async () => {
    const { result } = await loggedIn();
    expect(result.logout).toBe(true);
    expect(JSON.stringify(result)).not.toContain(stack.plugin.url);
  });

  it('forwards user_active to the session_url at most once a minute per session', async () => {
    const { call } = await loggedIn();
    const first = await call('activity');
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ forwarded: true });
    expect(await (await call('activity')).json()).toEqual({ forwarded: false });
    expect(await (await call('activity')).json()).toEqual({ forwarded: false });
    await waitFor(() => stack.plugin.sessionFeedback.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stack.plugin.sessionFeedback.map((entry) => entry.type)).toEqual(['user_active']);
  });

  it('forwards again once the interval has passed', async () => {
    const { call } = await loggedIn({ deps: { activityIntervalMs: 100 } });
    await call('activity');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await (await call('activity')).json()).toEqual({ forwarded: true });
    await waitFor(() => stack.plugin.sessionFeedback.length === 2);
  });

  it('logs out: the plugin gets type=logout, the session and its attributes are gone', async () => {
    const { call, eventsUrl, session } = await loggedIn();
    const response = await call('logout');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'logged_out' });
    await waitFor(() => stack.plugin.sessionFeedback.some((entry) => entry.type === 'logout'));
    expect(await stack.store.get(session.session_id)).toBeUndefined();
    expect((await fetch(eventsUrl)).status).toBe(404);
    expect((await call('activity')).status).toBe(404);
  });

  it('keeps the session (not the attributes) after delivery, for activity and logout', async () => {
    const { session, call } = await loggedIn({ env: { IDC_RESULT_GRACE_SECONDS: '1' } });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const kept = await stack.store.get(session.session_id);
    expect(kept?.result).toMatchObject({ status: 'succes', attributes: {} });
    expect(kept?.attributesPurged).toBe(true);
    expect((await call('logout')).status).toBe(200);
  });

  it('refuses a wrong token (403) and another origin (403)', async () => {
    const { call, session } = await loggedIn();
    expect((await call('activity', 'wrong')).status).toBe(403);
    expect((await call('logout', 'wrong')).status).toBe(403);
    const foreign = await fetch(`${stack.url}/sessions/${session.session_id}/logout`, {
      method: 'POST',
      headers: { Authorization: 'Bearer x', Origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(await stack.store.get(session.session_id)).toBeDefined();
  });

  it('does not forward activity for a login without a session_url', async () => {
    stack = await stacks.start();
    const session = await (await createSession(stack)).json();
    const token = new URL(session.events_url).searchParams.get('token')!;
    const response = await fetch(`${stack.url}/sessions/${session.session_id}/activity`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(await response.json()).toEqual({ forwarded: false });
  });

  it.each(['hang', 'fail'] as const)('keeps the chat working when the session_url %ss, and logs without personal data', async (behaviour) => {
    const logger = recordingLogger();
    const { call, session } = await loggedIn({ deps: { logger, sendFeedback: fastFeedback(logger) } });
    stack.plugin.setSessionFeedbackBehaviour(behaviour);
    expect((await call('activity')).status).toBe(202);
    const logout = await call('logout');
    expect(logout.status).toBe(200);
    expect(await stack.store.get(session.session_id)).toBeUndefined();
    await waitFor(() => logger.lines.filter((line) => line.includes('session feedback failed')).length === 2);
    const failures = logger.lines.filter((line) => line.includes('session feedback failed')).join('\n');
    expect(failures).toContain(behaviour === 'hang' ? 'timeout' : 'status 500');
    expect(failures).not.toContain(stack.plugin.url);
    expect(logger.lines.join('\n')).not.toContain('999993653');
    // Three attempts each (one try, two retries), none of which broke anything.
    await waitFor(() => stack.plugin.sessionFeedback.length === 6);
  });
});

describe('createFeedbackSender', () => {
  it('posts ?type= on the session_url, keeping its own query', async () => {
    const seen: string[] = [];
    const target = await serveApp(new Hono().post('/s/:id', (c) => (seen.push(c.req.url), c.body(null, 200))));
    try {
      const send = createFeedbackSender(recordingLogger());
      expect(await send(`${target.url}/s/1?k=v`, 'user_active')).toBe(true);
      expect(seen.map((url) => new URL(url).search)).toEqual(['?k=v&type=user_active']);
    } finally {
      await target.close();
    }
  });

  it('gives up after the retries on an unreachable host', async () => {
    const logger = recordingLogger();
    const send = fastFeedback(logger);
    expect(await send('http://127.0.0.1:9/session', 'logout')).toBe(false);
    expect(logger.lines.join('\n')).toContain('reason":"unreachable');
  });

  it('does not follow a redirect: the target behind it gets nothing, and the log has no URL', async () => {
    let reachedInner = 0;
    const inner = await serveApp(new Hono().post('/admin', (c) => (reachedInner++, c.body(null, 200))));
    const redirecting = await serveApp(new Hono().post('/s', (c) => c.redirect(`${inner.url}/admin`, 307)));
    try {
      const logger = recordingLogger();
      expect(await fastFeedback(logger)(`${redirecting.url}/s`, 'logout')).toBe(false);
      expect(reachedInner).toBe(0);
      const log = logger.lines.join('\n');
      expect(log).toContain('redirect 307 not followed');
      expect(log).not.toContain(redirecting.url);
      expect(log).not.toContain(inner.url);
    } finally {
      await Promise.all([inner.close(), redirecting.close()]);
    }
  });

  it('does not retry a 4xx', async () => {
    let calls = 0;
    const target = await serveApp(new Hono().post('/s', (c) => (calls++, c.body(null, 404))));
    try {
      expect(await fastFeedback(recordingLogger())(`${target.url}/s`, 'logout')).toBe(false);
      expect(calls).toBe(1);
    } finally {
      await target.close();
    }
  });
});
