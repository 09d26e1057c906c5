/**
 * A login's result reaches only the conversation of the browser that started
 * it (server/src/results/binding.ts), over real HTTP with the stand-in core and auth
 * plugin. Each ResidentBrowser is a browser of its own (its own cookies): the
 * attacker's and the victim's. The attacks are those of the issue: the login
 * page's address finished elsewhere, a phishing page repeating the launch, an
 * attacker without a browser, and a race to the comm_url.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../src/observability/metrics.ts';
import { WebhookEvent } from '../src/protocol.ts';
import { serveApp } from '../src/http/serve.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { launchedTo, ResidentBrowser, type LaunchableSession } from '../../testkit/resident-browser.ts';
import { logInAtPlugin, stacksPerTest, TEST_PERSON, type Stack } from '../../testkit/stack.ts';
import { mintTicket, newTicketSecret } from '../../testkit/tickets.ts';

const AGENT_ORIGIN = 'https://agent.gemeente.example';
const stacks = stacksPerTest();
let stack: Stack;
let secret: string;
let webhooks: WebhookEvent[];
let metrics: Metrics;

async function start(env: Record<string, string> = {}) {
  secret = newTicketSecret();
  webhooks = [];
  const receiver = await serveApp(
    new Hono().post('/hook', async (c) => (webhooks.push(WebhookEvent.parse(await c.req.json())), c.body(null, 204))),
  );
  const whsec = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
  metrics = createMetrics();
  stack = await stacks.start({
    deps: { metrics },
    env: {
      IDC_TICKET_SECRET: secret,
      IDC_AGENT_ORIGINS: AGENT_ORIGIN,
      IDC_WEBHOOK_URL: `${receiver.url}/hook`,
      IDC_WEBHOOK_SECRET: whsec,
      ...env,
    },
  });
  const close = stack.close;
  stack.close = async () => {
    await close();
    await receiver.close();
  };
  return stack;
}

type Started = LaunchableSession & { events_url: string };

/** A resident's widget in `conversation` starts a login (as the widget does). */
async function startLogin(conversation: string): Promise<Started> {
  const ticket = await mintTicket('guest', secret, { conversation });
  const response = await fetch(`${stack.url}/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
    body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma', ticket }),
  });
  expect(response.status).toBe(201);
  return response.json();
}

async function identities(conversation: string) {
  const ticket = await mintTicket('host', secret, { conversation });
  const response = await fetch(`${stack.url}/agent/identities`, { headers: { Authorization: `Bearer ${ticket}`, Origin: AGENT_ORIGIN } });
  return ((await response.json()) as { identities: Array<Record<string, unknown>> }).identities;
}

async function streamOf(session: Started) {
  const stream = await stacks.open(session.events_url);
  expect((await stream.next())?.event).toBe('state');
  return stream;
}

const REFUSED_EVENT = { status: 'failed', reason: 'other_browser' };

/** Everything the attacker's conversation shows, after the attack: no attribute anywhere. */
async function expectNothingReachedTheAttacker(conversation: string) {
  const shown = await identities(conversation);
  expect(shown).toHaveLength(1);
  expect(shown[0]).toMatchObject({ status: 'failed', reason: 'other_browser' });
  expect(shown[0]).not.toHaveProperty('attributes');
  await expect.poll(() => webhooks.map((event) => event.type), { timeout: 3000 }).toContain('identity.failed');
  expect(webhooks.filter((event) => event.type === 'identity.verified')).toEqual([]);
  expect(webhooks.find((event) => event.type === 'identity.failed')!.data).toMatchObject({ conversation, reason: 'other_browser' });
  expect(JSON.stringify(webhooks)).not.toContain(TEST_PERSON.bsn);
  expect(stack.logger.lines.join('\n')).not.toContain(TEST_PERSON.bsn);
}

async function expectForeignPage(page: Response) {
  expect(page.status).toBe(403);
  const text = await page.text();
  expect(text).toContain('Uw gegevens zijn niet doorgegeven');
  expect(text).not.toContain('klaar met inloggen');
  expect(text).not.toContain(TEST_PERSON.bsn);
}

describe('the launch (POST /launch/:id)', () => {
  it('sets a first-party binding cookie and sends the browser on to the core’s client_url, once', async () => {
    await start();
    const session = await startLogin('conv-1');
    const browser = new ResidentBrowser(stack.url);
    const launch = await browser.postLaunch(session);
    expect(launch.status).toBe(200);
    expect(launch.headers.get('cache-control')).toBe('no-store');
    expect(launch.headers.get('referrer-policy')).toBe('no-referrer');
    // A page of the backend's own sends it on (a 303 would fall under the site's CSP form-action).
    const page = await launch.text();
    expect(launchedTo(page)).toMatch(new RegExp(`^${stack.plugin.url}/login/`));
    expect(page).toMatch(/<script nonce="[^"]+">\s*location\.replace\("http:\/\/127\.0\.0\.1:\d+\/login\/[^"]+"\);/);
    const [cookie] = launch.headers.getSetCookie();
    expect(cookie).toMatch(/^idc_binding_[A-Za-z0-9_-]{16}=[A-Za-z0-9_-]{43}; Max-Age=900; Path=\/; HttpOnly; SameSite=Lax$/);

    // The token launched once: no second browser, nor this one, launches it again.
    expect((await new ResidentBrowser(stack.url).postLaunch(session)).status).toBe(403);
    expect((await browser.postLaunch(session)).status).toBe(403);
  });

  it('marks the cookie Secure, with the __Host- prefix, on https', async () => {
    await start();
    const { bindingCookieName } = await import('../src/results/binding.ts');
    expect(bindingCookieName({ publicUrl: 'https://idc.example' }, 's1')).toMatch(/^__Host-idc_binding_/);
    expect(bindingCookieName({ publicUrl: 'http://127.0.0.1:8080' }, 's1')).toMatch(/^idc_binding_/);
  });

  it('refuses a page not on IDC_ALLOWED_ORIGINS, no Origin, Origin null, a GET, a non-form body and a wrong token, and changes nothing', async () => {
    await start();
    const session = await startLogin('conv-1');
    const browser = new ResidentBrowser(stack.url);
    const refusals = [
      await browser.postLaunch(session, { Origin: 'https://phish.example' }),
      await browser.postLaunch(session, { Origin: 'null' }),
      await fetch(session.launch_url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `token=${session.launch_token}`, redirect: 'manual' }),
      await browser.postLaunch({ ...session, launch_token: session.launch_token.slice(0, -1) + (session.launch_token.endsWith('A') ? 'B' : 'A') }),
      await browser.postLaunch({ ...session, launch_url: `${stack.url}/launch/unknown` }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403, 404]);
    for (const refusal of refusals) {
      expect(refusal.headers.get('location')).toBeNull();
      expect(refusal.headers.getSetCookie()).toEqual([]);
      expect(refusal.headers.get('content-type')).toContain('text/html');
    }
    expect((await fetch(session.launch_url, { redirect: 'manual' })).status).toBe(405);
    const json = await fetch(session.launch_url, {
      method: 'POST',
      headers: { Origin: SITE_ORIGIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: session.launch_token }),
      redirect: 'manual',
    });
    expect(json.status).toBe(415);
    // Nothing was spent: the resident's own launch still works.
    expect((await browser.postLaunch(session)).status).toBe(200);
  });
});

describe('an attack on a login', () => {
  it('1. the login page’s address finished in another browser: refused, and the victim is told', async () => {
    await start();
    const attacker = new ResidentBrowser(stack.url);
    const session = await startLogin('attacker-chat');
    const stream = await streamOf(session);
    const clientUrl = await attacker.launch(session);

    const victim = new ResidentBrowser(stack.url);
    await expectForeignPage(await victim.finishLogin(clientUrl));

    expect(JSON.parse((await stream.next())!.data!)).toEqual(REFUSED_EVENT);
    await expectNothingReachedTheAttacker('attacker-chat');
    // Counted, and logged as a warning that names no session, identity or person.
    const scraped = await metrics.registry.metrics();
    expect(scraped).toContain('idc_login_returns_total{browser="foreign"} 1');
    expect(scraped).toContain('idc_binding_outcomes_total{outcome="refused"} 1');
    // (Audit records name the identity the employee looked at, by design: they are not the operator's log lines.)
    const log = stack.logger.lines.filter((line) => !line.includes('"audit":true')).join('\n');
    expect(log).toContain('result refused: the login ended in another browser');
    for (const id of [session.session_id, (await identities('attacker-chat'))[0]!.id as string]) expect(log).not.toContain(id);
    // The attributes the plugin posted are gone from the session too.
    const held = await stack.store.get(session.session_id);
    expect(held?.result?.attributes ?? {}).toEqual({});
    // The attacker's own return later changes nothing.
    await expectForeignPage(await attacker.navigate(`${stack.url}/return/${session.session_id}`));
  });

  it('2. a phishing page makes the victim’s browser repeat the launch (a form POST with its Origin, or a link): refused', async () => {
    await start();
    const session = await startLogin('attacker-chat');
    const victim = new ResidentBrowser(stack.url, 'https://phish.example');
    const post = await victim.postLaunch(session);
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('kan alleen worden geopend vanuit het gesprek');
    expect((await victim.navigate(session.launch_url)).status).toBe(405);
    expect(post.headers.getSetCookie()).toEqual([]);
    expect(await identities('attacker-chat')).toMatchObject([{ status: 'waiting' }]);
  });

  it('3. an attacker without a browser, sending any headers: the victim’s return is still foreign', async () => {
    await start();
    const session = await startLogin('attacker-chat');
    const stream = await streamOf(session);
    // A tool can claim the site's Origin: it gets a cookie, but only in the tool.
    const tool = new ResidentBrowser(stack.url, SITE_ORIGIN);
    const launch = await tool.postLaunch(session, { Origin: SITE_ORIGIN, Referer: `${SITE_ORIGIN}/chat`, 'Sec-Fetch-Site': 'same-site' });
    expect(launch.status).toBe(200);
    await expectForeignPage(await new ResidentBrowser(stack.url).finishLogin(launchedTo(await launch.text())));
    expect(JSON.parse((await stream.next())!.data!)).toEqual(REFUSED_EVENT);
    await expectNothingReachedTheAttacker('attacker-chat');
  });

  it('4. a race: the attacker’s browser hits the comm_url first, the victim’s return follows within the settle time', async () => {
    await start({ IDC_BINDING_SETTLE_MS: '1000' });
    const attacker = new ResidentBrowser(stack.url);
    const session = await startLogin('attacker-chat');
    const stream = await streamOf(session);
    const clientUrl = await attacker.launch(session);

    // The victim logs in; the plugin posts the result and sends their browser on (not yet followed).
    const landing = await logInAtPlugin(clientUrl);
    const commUrl = landing.headers.get('location')!;
    expect(commUrl).toBe(`${stack.url}/return/${session.session_id}`);
    // The attacker knows the comm_url and is there first, with their cookie.
    expect((await attacker.navigate(commUrl)).status).toBe(200);
    // The victim's own return, a moment later.
    await expectForeignPage(await new ResidentBrowser(stack.url).navigate(commUrl));

    expect(JSON.parse((await stream.next())!.data!)).toEqual(REFUSED_EVENT);
    await expectNothingReachedTheAttacker('attacker-chat');
  });

  it('after the release, a foreign return withdraws the identity everywhere', async () => {
    await start();
    const resident = new ResidentBrowser(stack.url);
    const session = await startLogin('chat-1');
    const stream = await streamOf(session);
    expect((await resident.logIn(session)).status).toBe(200);
    expect(JSON.parse((await stream.next())!.data!)).toMatchObject({ status: 'succes' });
    await expect.poll(async () => (await identities('chat-1'))[0]?.status).toBe('verified');

    await expectForeignPage(await new ResidentBrowser(stack.url).navigate(`${stack.url}/return/${session.session_id}`));
    const shown = await identities('chat-1');
    expect(shown[0]).toMatchObject({ status: 'withdrawn', reason: 'other_browser' });
    expect(shown[0]).not.toHaveProperty('attributes');
    await expect.poll(() => webhooks.map((event) => event.type), { timeout: 3000 }).toContain('identity.withdrawn');
    expect(webhooks.find((event) => event.type === 'identity.withdrawn')!.data).not.toHaveProperty('attributes');
    // The resident's session is gone with it.
    expect(await stack.store.get(session.session_id)).toBeUndefined();
  });

  it('?result= on a foreign return is not taken', async () => {
    await start({ IDC_USE_ATTR_URL: 'false' });
    const attacker = new ResidentBrowser(stack.url);
    const session = await startLogin('attacker-chat');
    const stream = await streamOf(session);
    const landing = await logInAtPlugin(await attacker.launch(session));
    expect(landing.headers.get('location')).toContain('?result=');
    await expectForeignPage(await new ResidentBrowser(stack.url).navigate(landing.headers.get('location')!));
    expect(JSON.parse((await stream.next())!.data!)).toEqual(REFUSED_EVENT);
    expect((await stack.store.get(session.session_id))?.result).toBeUndefined();
    expect(await identities('attacker-chat')).toMatchObject([{ status: 'failed', reason: 'other_browser' }]);
  });

  it('a result posted after a foreign return is refused (409 login_refused) and never stored', async () => {
    await start();
    const attacker = new ResidentBrowser(stack.url);
    const session = await startLogin('attacker-chat');
    await attacker.launch(session);
    await expectForeignPage(await new ResidentBrowser(stack.url).navigate(`${stack.url}/return/${session.session_id}`));
    const sent = stack.core.requests.find((request) => request.path === '/start')!.body as { attr_url: string };
    const { createResultToken } = await import('../../standins/auth-plugin/result-token.ts');
    const token = await createResultToken(
      { status: 'succes', attributes: { bsn: TEST_PERSON.bsn } },
      { signingKey: stacks.keys.plugin.privateKey, encryptionKey: stacks.keys.ours.publicKey },
    );
    const posted = await fetch(sent.attr_url, { method: 'POST', headers: { 'Content-Type': 'application/jwt' }, body: token });
    expect(posted.status).toBe(409);
    expect(((await posted.json()) as { error: string }).error).toBe('login_refused');
    expect((await stack.store.get(session.session_id))?.result).toBeUndefined();
  });
});

describe('the page in the browser where a login ended that another started', () => {
  it('speaks the widget’s language, else the browser’s: English too', async () => {
    await start();
    const session = await startLogin('conv-1');
    await new ResidentBrowser(stack.url).launch(session);
    const page = await fetch(`${stack.url}/return/${session.session_id}`, { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } });
    expect(page.status).toBe(403);
    const text = await page.text();
    expect(text).toContain('<html lang="en">');
    expect(text).toContain('Your details were not passed on');
    expect(text).toContain('This login was started in another browser, or by someone else.');
    expect(text).toContain('someone sent you a link');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('a resident’s own login', () => {
  it('is released once the result is in, the browser is back, and the settle time is over', async () => {
    await start({ IDC_BINDING_SETTLE_MS: '1000' });
    const resident = new ResidentBrowser(stack.url);
    const session = await startLogin('chat-1');
    const stream = await streamOf(session);
    const page = await resident.logIn(session);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('U bent klaar met inloggen.');
    // Within the settle time nothing has gone out yet.
    expect(await stream.next(300)).toBeUndefined();
    expect(await identities('chat-1')).toMatchObject([{ status: 'waiting' }]);
    const result = await stream.next(3000);
    expect(JSON.parse(result!.data!)).toEqual({ status: 'succes', attributes: { bsn: TEST_PERSON.bsn, fullname: TEST_PERSON.fullname } });
    expect(await identities('chat-1')).toMatchObject([{ status: 'verified', attributes: { bsn: TEST_PERSON.bsn } }]);
  });

  it('waits for its browser’s return when the result comes first', async () => {
    await start();
    const resident = new ResidentBrowser(stack.url);
    const session = await startLogin('chat-1');
    const stream = await streamOf(session);
    const landing = await logInAtPlugin(await resident.launch(session));
    expect(stack.plugin.resultDeliveries.map((delivery) => delivery.status)).toEqual([200]);
    expect(await stream.next(300)).toBeUndefined();
    expect((await resident.navigate(landing.headers.get('location')!)).status).toBe(200);
    expect(JSON.parse((await stream.next())!.data!)).toMatchObject({ status: 'succes' });
  });
});
