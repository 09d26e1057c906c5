import { beforeEach, describe, expect, it } from 'vitest';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';
import { seedSession, SITE_ORIGIN, testBackend } from '../../testkit/backend.ts';

const ours = rsaKeyPair();
const plugin = rsaKeyPair();
let backend: ReturnType<typeof testBackend>;
beforeEach(() => {
  backend = testBackend({ ours, plugin });
});

const token = (attributes = { bsn: '999993653' }) =>
  createResultToken({ status: 'succes', attributes }, { signingKey: plugin.privateKey, encryptionKey: ours.publicKey });

function cspNonce(response: Response): string {
  return /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')![1]!;
}

describe('GET /return/:session_id', () => {
  it('is a page that closes itself when it is the widget popup', async () => {
    const session = await seedSession(backend.store);
    const response = await backend.app.request(`/return/${session.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const page = await response.text();
    expect(page).toContain('<html lang="nl">');
    expect(page).toContain(`<script nonce="${cspNonce(response)}">`);
    expect(page).toContain('window.name.indexOf("id-contact-auth") === 0');
    expect(page).toContain('window.close()');
    expect(page).toContain('Ga terug naar het gesprek');
  });

  it('sends a user who is not in a popup back to the return_url', async () => {
    const session = await seedSession(backend.store, 900, `${SITE_ORIGIN}/chat?topic=move`);
    const page = await (await backend.app.request(`/return/${session.id}`)).text();
    expect(page).toContain(`<a href="${SITE_ORIGIN}/chat?topic=move">`);
    expect(page).toContain(`var returnUrl = "${SITE_ORIGIN}/chat?topic=move";`);
    expect(page).toContain('location.replace(returnUrl)');
  });

  it('speaks English to an English browser', async () => {
    const session = await seedSession(backend.store);
    const response = await backend.app.request(`/return/${session.id}`, { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } });
    const page = await response.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('Go back to the conversation');
  });

  it('speaks the widget’s language (?lang= on the comm_url) over the browser’s', async () => {
    const session = await seedSession(backend.store);
    const en = await (await backend.app.request(`/return/${session.id}?lang=en`, { headers: { 'Accept-Language': 'nl' } })).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('You have finished logging in.');
    const nl = await (await backend.app.request(`/return/${session.id}?lang=nl`, { headers: { 'Accept-Language': 'en-GB' } })).text();
    expect(nl).toContain('<html lang="nl">');
    expect(nl).toContain('U bent klaar met inloggen.');
    expect(nl).not.toMatch(/\bje\b/i);
  });

  it('is a 404 page for an unknown session, not "Inloggen afgerond"', async () => {
    const response = await backend.app.request('/return/unknown?lang=nl');
    expect(response.status).toBe(404);
    const page = await response.text();
    expect(page).not.toContain('Inloggen afgerond');
    expect(page).toContain('Deze inlogpagina bestaat niet (meer).');
    expect(page).toContain('var returnUrl = null;');
  });

  it('takes a result from ?result= and attaches it after verification', async () => {
    const session = await seedSession(backend.store);
    const response = await backend.app.request(`/return/${session.id}?result=${await token()}`);
    expect(response.status).toBe(200);
    expect((await response.text())).toContain('history.replaceState');
    expect((await backend.store.get(session.id))?.result).toEqual({ status: 'succes', attributes: { bsn: '999993653' } });
  });

  it('refuses an invalid ?result= with 400, storing nothing', async () => {
    const session = await seedSession(backend.store);
    const forged = await createResultToken(
      { status: 'succes', attributes: { bsn: '123' } },
      { signingKey: rsaKeyPair().privateKey, encryptionKey: ours.publicKey },
    );
    const response = await backend.app.request(`/return/${session.id}?result=${forged}`);
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('We konden niet controleren of u bent ingelogd.');
    expect(page).not.toContain('123');
    expect((await backend.store.get(session.id))?.result).toBeUndefined();
  });

  it('refuses a second ?result= for the same session with 409, keeping the first', async () => {
    const session = await seedSession(backend.store);
    await backend.app.request(`/return/${session.id}?result=${await token()}`);
    const second = await backend.app.request(`/return/${session.id}?result=${await token({ bsn: '111' })}`);
    expect(second.status).toBe(409);
    // The user's own login did succeed: the page does not tell them it failed.
    expect(await second.text()).toContain('U bent klaar met inloggen');
    expect((await backend.store.get(session.id))?.result?.attributes).toEqual({ bsn: '999993653' });
  });

  it('refuses ?result= for an unknown session with 404', async () => {
    const response = await backend.app.request(`/return/unknown?result=${await token()}`);
    expect(response.status).toBe(404);
  });

  it('never puts the token or attributes in logs', async () => {
    const session = await seedSession(backend.store);
    const jwe = await token();
    await backend.app.request(`/return/${session.id}?result=${jwe}`);
    const log = backend.logger.lines.join('\n');
    expect(log).toContain('"route":"/return/:session_id"');
    expect(log).not.toContain(jwe.slice(0, 40));
    expect(log).not.toContain(session.id);
    expect(log).not.toContain('999993653');
  });
});
