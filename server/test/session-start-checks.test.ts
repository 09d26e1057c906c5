/**
 * What `POST /sessions` checks before it asks the core to start, over real
 * HTTP against the stand-in core: the auth method must be one the core offers
 * for the purpose, a return_url carries no user info, and one conversation
 * starts a bounded number of logins. Also the icons of session options: one
 * not on the core's public origin is dropped.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { serveApp } from '../src/http/serve.ts';
import { LOGIN_WINDOW_MS } from '../src/routes/session-start-checks.ts';
import { MAX_TICKET_LIFETIME_SECONDS } from '../src/conversation/tickets.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { createSession, stacksPerTest, type Stack } from '../../testkit/stack.ts';
import { mintTicket, newTicketSecret } from '../../testkit/tickets.ts';

const stacks = stacksPerTest();
let stack: Stack;

const coreCalls = (path: string) => stack.core.requests.filter((request) => request.path === path).length;

describe('POST /sessions: the auth method', () => {
  it.each([
    ['a tag the core does not know', { purpose: 'report_move', auth_method: 'eherkenning' }],
    ['a tag the core knows but not for this purpose', { purpose: 'personal_question', auth_method: 'digid' }],
    ['a tag in another case', { purpose: 'report_move', auth_method: 'IRMA' }],
  ])('refuses %s with 400 unknown_auth_method: no core start, no session', async (_what, body) => {
    stack = await stacks.start();
    const response = await createSession(stack, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unknown_auth_method', message: expect.stringContaining('auth_method') });
    expect(coreCalls('/start')).toBe(0);
    expect(stack.store.size).toBe(0);
    expect(await stack.store.countSessions()).toBe(0);
  });

  it('refuses a purpose the core does not know with 400 unknown_purpose, without a core start', async () => {
    stack = await stacks.start();
    const response = await createSession(stack, { purpose: 'no_such_purpose', auth_method: 'irma' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unknown_purpose' });
    expect(coreCalls('/start')).toBe(0);
    expect(stack.store.size).toBe(0);
  });

  it('checks against the session options cache the chooser fills: one core call for options and starts alike', async () => {
    stack = await stacks.start();
    expect((await fetch(`${stack.url}/session_options/report_move`, { headers: { Origin: SITE_ORIGIN } })).status).toBe(200);
    for (const auth_method of ['irma', 'digid', 'irma']) {
      expect((await createSession(stack, { purpose: 'report_move', auth_method })).status).toBe(201);
    }
    expect((await createSession(stack, { purpose: 'report_move', auth_method: 'nope' })).status).toBe(400);
    expect(coreCalls('/session_options/report_move')).toBe(1);
    expect(coreCalls('/start')).toBe(3);
  });

  it('answers 502 core_unavailable when the core cannot say what it offers, keeping no session', async () => {
    stack = await stacks.start();
    await stack.core.close();
    const response = await createSession(stack);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'core_unavailable' });
    expect(stack.store.size).toBe(0);
  });
});

describe('POST /sessions: return_url', () => {
  it.each([`https://jan:s3cr3t@gemeente.example/chat`, `https://jan@gemeente.example/chat`, `https://:s3cr3t@gemeente.example/`])(
    'refuses %s (user info) with 400 naming return_url, without a core start',
    async (returnUrl) => {
      stack = await stacks.start();
      expect(new URL(returnUrl).origin).toBe(SITE_ORIGIN); // it would pass the origin check
      const response = await createSession(stack, { purpose: 'report_move', auth_method: 'irma', return_url: returnUrl });
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('return_url') });
      expect(JSON.stringify(body)).not.toMatch(/jan|s3cr3t/);
      expect(coreCalls('/start')).toBe(0);
      expect(stack.store.size).toBe(0);
    },
  );
});

describe('POST /sessions: logins per conversation', () => {
  async function start(env: Record<string, string> = {}) {
    const secret = newTicketSecret();
    stack = await stacks.start({ env: { IDC_TICKET_SECRET: secret, ...env } });
    return (conversation: string) =>
      mintTicket('guest', secret, { conversation }).then((ticket) => createSession(stack, { purpose: 'report_move', auth_method: 'irma', ticket }));
  }

  it('counts over as long as a ticket may live', () => {
    expect(LOGIN_WINDOW_MS).toBeGreaterThanOrEqual(MAX_TICKET_LIFETIME_SECONDS * 1000);
  });

  it('past IDC_LOGINS_PER_CONVERSATION, answers 429 too_many_logins without a core start; other conversations go on', async () => {
    const login = await start({ IDC_LOGINS_PER_CONVERSATION: '3' });
    for (let i = 0; i < 3; i += 1) expect((await login('conv-1')).status).toBe(201);
    const refused = await login('conv-1');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'too_many_logins', message: expect.any(String) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // A fresh ticket for the same conversation changes nothing.
    expect((await login('conv-1')).status).toBe(429);
    expect(coreCalls('/start')).toBe(3);
    expect(stack.store.size).toBe(3);
    expect((await login('conv-2')).status).toBe(201);
    expect(stack.logger.lines.join('\n')).not.toContain('conv-1');
  });

  it('does not count a start refused for its auth method', async () => {
    const secret = newTicketSecret();
    stack = await stacks.start({ env: { IDC_TICKET_SECRET: secret, IDC_LOGINS_PER_CONVERSATION: '1' } });
    const ticket = await mintTicket('guest', secret, { conversation: 'conv-1' });
    expect((await createSession(stack, { purpose: 'report_move', auth_method: 'nope', ticket })).status).toBe(400);
    expect((await createSession(stack, { purpose: 'report_move', auth_method: 'irma', ticket })).status).toBe(201);
    expect((await createSession(stack, { purpose: 'report_move', auth_method: 'irma', ticket })).status).toBe(429);
  });

  it('defaults to 20', async () => {
    const login = await start();
    const statuses = [];
    for (let i = 0; i < 21; i += 1) statuses.push((await login('conv-1')).status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(20);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('GET /session_options: icons', () => {
  it('drops an icon given as a full URL off the core public origin, keeping the method; keeps those on it', async () => {
    let coreUrl = '';
    const paths = {
      relative: '/static/irma.svg',
      own: () => `${coreUrl}/static/digid.svg`,
      elsewhere: 'https://tracker.example/pixel.svg',
      script: 'javascript:alert(1)',
      data: 'data:image/svg+xml,<svg/>',
    };
    const core = await serveApp(
      new Hono().get('/session_options/:purpose', (c) =>
        c.json({
          auth_methods: [
            { tag: 'a', name: 'A', image_path: paths.relative },
            { tag: 'b', name: 'B', image_path: paths.own() },
            { tag: 'c', name: 'C', image_path: paths.elsewhere },
            { tag: 'd', name: 'D', image_path: paths.script },
            { tag: 'e', name: 'E', image_path: paths.data },
          ],
          comm_methods: [],
        }),
      ),
    );
    coreUrl = core.url;
    try {
      stack = await stacks.start({ env: { IDC_CORE_URL: core.url } });
      const response = await fetch(`${stack.url}/session_options/report_move`, { headers: { Origin: SITE_ORIGIN } });
      expect(response.status).toBe(200);
      expect((await response.json()).auth_methods).toEqual([
        { tag: 'a', name: 'A', image_url: `${core.url}/static/irma.svg` },
        { tag: 'b', name: 'B', image_url: `${core.url}/static/digid.svg` },
        { tag: 'c', name: 'C', image_url: '' },
        { tag: 'd', name: 'D', image_url: '' },
        { tag: 'e', name: 'E', image_url: '' },
      ]);
    } finally {
      await core.close();
    }
  });

  it('keeps an absolute icon URL on IDC_CORE_PUBLIC_URL, and drops one on the internal core URL', async () => {
    const core = await serveApp(
      new Hono().get('/session_options/:purpose', (c) =>
        c.json({
          auth_methods: [
            { tag: 'a', name: 'A', image_path: 'https://core.gemeente.example/static/a.svg' },
            { tag: 'b', name: 'B', image_path: `${new URL(c.req.url).origin}/static/b.svg` },
          ],
          comm_methods: [],
        }),
      ),
    );
    try {
      stack = await stacks.start({ env: { IDC_CORE_URL: core.url, IDC_CORE_PUBLIC_URL: 'https://core.gemeente.example' } });
      const body = await (await fetch(`${stack.url}/session_options/report_move`, { headers: { Origin: SITE_ORIGIN } })).json();
      expect(body.auth_methods.map((method: { image_url: string }) => method.image_url)).toEqual(['https://core.gemeente.example/static/a.svg', '']);
    } finally {
      await core.close();
    }
  });
});
