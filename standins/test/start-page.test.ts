/**
 * The stand-in core's start page (GET/POST /start-page), over real HTTP:
 * the real test auth plugin, and a recording comm plugin in place of our
 * backend, whose answers the test controls.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { startAuthPluginStandin, type AuthPluginStandin } from '../auth-plugin/standin.ts';
import type { CoreConfig } from '../core/config.ts';
import { createDemoCoreConfig, DEMO_START_PAGE } from '../core/demo-config.ts';
import { startCoreStandin, type CoreStandin, type CoreStandinOptions } from '../core/standin.ts';
import { START_PAGE_PATH } from '../core/start-page.ts';
import { serve } from '../serve.ts';

const toClose: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(toClose.splice(0).map((running) => running.close()));
});

type CommMode = 'ok' | 'error';

/** Answers /start_communication as our backend does, and records what it was asked. */
async function startCommPlugin(mode: CommMode = 'ok') {
  const calls: unknown[] = [];
  const app = new Hono();
  app.post('/start_communication', async (c) => {
    calls.push(await c.req.json());
    if (mode === 'error') return c.text('broken', 503);
    return c.json({ client_url: 'https://chat.example.nl/?id-contact-session=ref1', attr_url: 'http://comm.internal/attributes/a1' });
  });
  const running = await serve(app);
  toClose.push(running);
  return Object.assign(running, { calls });
}

async function startAuthPlugin(): Promise<AuthPluginStandin> {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const plugin = await startAuthPluginStandin({
    signingKey: keys.privateKey,
    encryptionKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey,
    testPerson: { bsn: '999993653', fullname: 'Sanne de Vries', email: 'sanne@example.nl' },
  });
  toClose.push(plugin);
  return plugin;
}

interface Setup {
  core: CoreStandin;
  comm: Awaited<ReturnType<typeof startCommPlugin>>;
  authPlugin: AuthPluginStandin;
}

async function setup(options: { comm?: CommMode; config?: (config: CoreConfig) => void; core?: Partial<CoreStandinOptions> } = {}): Promise<Setup> {
  const [comm, authPlugin] = await Promise.all([startCommPlugin(options.comm), startAuthPlugin()]);
  const config = createDemoCoreConfig({ authPluginUrl: authPlugin.url, commPluginUrl: comm.url });
  options.config?.(config);
  const core = await startCoreStandin({ config, startPage: DEMO_START_PAGE, ...options.core });
  toClose.push(core);
  return { core, comm, authPlugin };
}

function getPage(core: CoreStandin, query = ''): Promise<Response> {
  return fetch(`${core.url}${START_PAGE_PATH}${query}`);
}

function submit(core: CoreStandin, fields: Record<string, string>): Promise<Response> {
  // What a browser sends for the form: urlencoded, following no redirect here.
  return fetch(`${core.url}${START_PAGE_PATH}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

interface Radio {
  name: string;
  value: string;
  disabled: boolean;
  /** The label's text, as a screen reader reads it. */
  label: string;
  icon?: string;
}

/** The radio buttons on a page, each with the text of its label. */
function radios(html: string): Radio[] {
  return [...html.matchAll(/<label class="choice[^"]*">([\s\S]*?)<\/label>/g)].map(([, inner]) => {
    const input = /<input type="radio" name="([^"]+)" value="([^"]*)"([^>]*)>/.exec(inner!)!;
    const icon = /<img src="([^"]+)"/.exec(inner!)?.[1];
    return {
      name: input[1]!,
      value: input[2]!,
      disabled: input[3]!.includes('disabled'),
      label: inner!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim(),
      ...(icon ? { icon } : {}),
    };
  });
}

const moveByChatAndYivi = { purpose: 'report_move', comm_method: 'chat', auth_method: 'irma' };

describe('the start page', () => {
  it('offers the purposes by name, in Dutch, and says it is a demo stand-in', async () => {
    const { core } = await setup();
    const response = await getPage(core);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'.*style-src 'sha256-/);
    const html = await response.text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toMatch(/role="note">Demo:/);
    expect(html).toContain(`<form method="get" action="${START_PAGE_PATH}">`);
    expect(radios(html)).toEqual([
      { name: 'purpose', value: 'report_move', disabled: false, label: 'Verhuizing doorgeven' },
      { name: 'purpose', value: 'personal_question', disabled: false, label: 'Een persoonlijke vraag' },
      { name: 'purpose', value: 'request_permit', disabled: false, label: 'Vergunning aanvragen' },
    ]);
  });

  it("offers a purpose's comm and auth methods with their icons, call shown but not offered", async () => {
    const { core } = await setup();
    const response = await getPage(core, '?purpose=request_permit');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<input type="hidden" name="purpose" value="request_permit">');
    expect(html).toContain(`<form method="post" action="${START_PAGE_PATH}">`);
    expect(radios(html)).toEqual([
      { name: 'comm_method', value: 'chat', disabled: false, label: 'Chatten', icon: '/static/chat.svg' },
      { name: 'comm_method', value: 'call', disabled: true, label: 'Bellen (niet in deze demo)', icon: '/static/phone.svg' },
      // Only DigiD is allowed for this purpose.
      { name: 'auth_method', value: 'digid', disabled: false, label: 'DigiD', icon: '/static/digid.svg' },
    ]);
    // The icons it points at are there.
    expect((await fetch(`${core.url}/static/phone.svg`)).status).toBe(200);
  });

  it('escapes what it shows', async () => {
    const { core } = await setup({
      config: (config) => {
        config.auth_methods[0]!.name = '<script>alert(1)</script>';
        config.auth_methods[0]!.image_path = '/static/x.svg" onerror="alert(1)';
      },
      core: { startPage: { purposeNames: { report_move: 'Verhuizen & "meer" <b>' } } },
    });
    const html = await (await getPage(core, '?purpose=report_move')).text();
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('" onerror=');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Verhuizen &amp; &quot;meer&quot; &lt;b&gt;');
  });

  it('answers an unknown purpose with a readable 400 page', async () => {
    const { core } = await setup();
    const response = await getPage(core, `?purpose=${encodeURIComponent('<img src=x>')}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<h1>Deze keuze kan niet</h1>');
    expect(html).toContain('Unknown purpose &lt;img src=x&gt;');
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain(`<a href="${START_PAGE_PATH}">Opnieuw kiezen</a>`);
  });
});

describe('submitting the start page', () => {
  it("starts the chat at the comm plugin, then the login with the chat's URLs, and sends the browser to the login page", async () => {
    const { core, comm, authPlugin } = await setup();
    const response = await submit(core, moveByChatAndYivi);
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location.startsWith(`${authPlugin.url}/login/`)).toBe(true);
    expect(comm.calls).toEqual([{ purpose: 'report_move' }]);

    // The test auth plugin's login page, where the person goes next.
    const login = await fetch(location);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('Log in as Sanne de Vries');
    // The login continues to the chat with its attr_url: logging in delivers the result there.
    const done = await fetch(location, { method: 'POST', body: new URLSearchParams({ outcome: 'succes' }), redirect: 'manual' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('https://chat.example.nl/?id-contact-session=ref1');
    expect(authPlugin.resultDeliveries.map((delivery) => delivery.attrUrl)).toEqual(['http://comm.internal/attributes/a1']);
  });

  it('does what the full-flow JSON POST /start does', async () => {
    const { core, comm } = await setup();
    const json = await fetch(`${core.url}/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(moveByChatAndYivi),
    });
    expect(json.status).toBe(200);
    const form = await submit(core, moveByChatAndYivi);
    expect(form.status).toBe(303);
    expect(comm.calls).toEqual([{ purpose: 'report_move' }, { purpose: 'report_move' }]);
    const { client_url: jsonUrl } = (await json.json()) as { client_url: string };
    // Both lead to a login at the same plugin (each its own).
    expect(new URL(form.headers.get('location')!).origin).toBe(new URL(jsonUrl).origin);
  });

  it('is public: the API credentials the core requires do not apply to it', async () => {
    const { core, comm } = await setup({ core: { basicAuth: { user: 'backend', password: 's3cret' } } });
    expect((await getPage(core)).status).toBe(200);
    expect((await submit(core, moveByChatAndYivi)).status).toBe(303);
    expect(comm.calls).toHaveLength(1);
    expect((await fetch(`${core.url}/session_options/report_move`)).status).toBe(401);
  });

  it.each([
    ['an unknown purpose', { ...moveByChatAndYivi, purpose: 'adopt_a_dragon' }, 'Unknown purpose adopt_a_dragon'],
    ['an auth method the purpose does not allow', { purpose: 'request_permit', comm_method: 'chat', auth_method: 'irma' }, 'Auth method irma not available'],
    ['a comm method not offered in the demo', { purpose: 'personal_question', comm_method: 'call', auth_method: 'irma' }, 'Comm method call is not offered here'],
    ['no auth method', { purpose: 'report_move', comm_method: 'chat' }, 'Choose a purpose, a comm method and an auth method'],
    ['nothing at all', {}, 'Choose a purpose'],
  ])('answers %s with a readable 400 page, calling no plugin', async (_label, fields, technical) => {
    const { core, comm, authPlugin } = await setup();
    const response = await submit(core, fields);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<h1>Deze keuze kan niet</h1>');
    expect(html).toContain(technical);
    expect(comm.calls).toEqual([]);
    expect(authPlugin.resultDeliveries).toEqual([]);
  });

  it('refuses a comm method the purpose does not allow, as POST /start does', async () => {
    // Nothing marked unavailable, so the purpose's own rule is what refuses.
    const { core, comm } = await setup({ core: { startPage: {} } });
    const response = await submit(core, { ...moveByChatAndYivi, comm_method: 'call' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Comm method call not available for purpose report_move');
    expect(comm.calls).toEqual([]);
  });

  it('leads a refused choice back to the methods of a known purpose', async () => {
    const { core } = await setup();
    const html = await (await submit(core, { purpose: 'request_permit', comm_method: 'chat', auth_method: 'irma' })).text();
    expect(html).toContain(`<a href="${START_PAGE_PATH}?purpose=request_permit">Opnieuw kiezen</a>`);
  });

  it('answers a body that is not a form with a readable 400 page', async () => {
    const { core, comm } = await setup();
    const response = await fetch(`${core.url}${START_PAGE_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(moveByChatAndYivi),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<h1>Deze keuze kan niet</h1>');
    expect(comm.calls).toEqual([]);
  });

  it('answers a failing comm plugin with a readable 500 page, and starts no login', async () => {
    const { core, comm, authPlugin } = await setup({ comm: 'error' });
    const response = await submit(core, moveByChatAndYivi);
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(html).toContain('<h1>Starten lukt nu niet</h1>');
    expect(html).toMatch(/start_communication answered 503/);
    expect(comm.calls).toHaveLength(1);
    expect(authPlugin.resultDeliveries).toEqual([]);
  });

  it('answers an auth plugin that is down with a readable 500 page', async () => {
    const { core, comm, authPlugin } = await setup();
    await authPlugin.close();
    const response = await submit(core, moveByChatAndYivi);
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/<h1>Starten lukt nu niet<\/h1>[\s\S]*start_authentication unreachable/);
    expect(comm.calls).toHaveLength(1);
  });

  it('answers a comm plugin that is down with a readable 500 page', async () => {
    const { core, comm } = await setup();
    await comm.close();
    const response = await submit(core, moveByChatAndYivi);
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/<h1>Starten lukt nu niet<\/h1>[\s\S]*start_communication unreachable/);
  });
});
