/**
 * Core-initiated sessions: the core started the session and sent the user to
 * the chat page with `?id-contact-session=<reference>` (maybe `&result=`).
 * The element takes the link out of the address bar, exchanges it once at the
 * real backend, and waits on the session's stream.
 */
import { expect, fixture, fixtureCleanup } from '@open-wc/testing';
import { html } from 'lit';
import type { IdContactAuth } from '../../src/id-contact-auth.js';
import {
  button,
  cleanUp,
  deliverResult,
  land,
  login,
  mount,
  parts,
  press,
  resultToken,
  stack,
  startChat,
  statusText,
  waitFor,
  waitForState,
} from '../support/browser.js';

const REFERENCE = 'id-contact-session';

const storedSessions = () =>
  Object.keys(sessionStorage)
    .filter((key) => key.startsWith('id-contact-auth'))
    .map((key) => sessionStorage.getItem(key)!);

const values = (el: IdContactAuth) => parts(el, 'attribute-value').map((dd) => dd.textContent);

describe('chat link (core-initiated session)', () => {
  afterEach(cleanUp);

  it('attaches, waits, and shows the result when it arrives at the attr_url', async () => {
    const { chatUrl, attrUrl } = await startChat({ via: 'direct', backend: 'backend' });
    expect(attrUrl).to.be.a('string');
    const reference = new URL(chatUrl).searchParams.get(REFERENCE)!;
    land(chatUrl);
    const { el, states } = await mount();
    // Gone from the address bar before anything else happened.
    expect(location.search).not.to.contain(REFERENCE);
    await waitForState(el, 'waiting');
    expect(statusText(el)).to.equal('We kijken of u bent ingelogd…');
    // Kept for a reload: the session, never the spent reference.
    const stored = storedSessions();
    expect(stored).to.have.length(1);
    expect(JSON.parse(stored[0]!)).to.have.keys('session', 'via');
    expect(stored[0]).not.to.contain(reference);

    expect(await deliverResult(attrUrl!, 'succes')).to.be.below(300);
    await waitForState(el, 'success');
    expect(values(el)).to.deep.equal(['Sanne de Vries', 'sanne@example.nl']);
    expect(states).to.deep.equal(['attaching', 'waiting', 'success']);
    // No login session at the auth plugin: nothing to log out of.
    expect(el.shadowRoot!.querySelectorAll('button')).to.have.length(0);
    expect(storedSessions()).to.deep.equal([]);
  });

  it('shows an inline auth_result at once', async () => {
    const { chatUrl } = await startChat({ via: 'direct', backend: 'backend', authResult: 'succes' });
    land(chatUrl);
    const { el } = await mount({ lang: 'en' });
    await waitForState(el, 'success');
    expect(statusText(el)).to.equal('You are logged in.');
    expect(values(el)).to.deep.equal(['Sanne de Vries', 'sanne@example.nl']);
  });

  it('has a ?result= on the link verified by the backend, and clears the address bar of it', async () => {
    const { resultBackend } = await stack();
    const { chatUrl, attrUrl } = await startChat({ via: 'direct', backend: 'resultBackend' });
    expect(attrUrl).to.equal(undefined);
    land(`${chatUrl}&result=${await resultToken('succes')}`, { topic: 'move' }, '#chat');
    const { el } = await mount({ backend: resultBackend });
    expect(new URLSearchParams(location.search).has('result')).to.equal(false);
    expect(new URLSearchParams(location.search).has(REFERENCE)).to.equal(false);
    // The page's own parameters and hash stay.
    expect(new URLSearchParams(location.search).get('topic')).to.equal('move');
    expect(location.hash).to.equal('#chat');
    await waitForState(el, 'success');
    expect(values(el)).to.deep.equal(['Sanne de Vries', 'sanne@example.nl']);
  });

  it('a second load of the same link says it is spent, and offers a normal login', async () => {
    const { chatUrl } = await startChat({ via: 'direct', backend: 'backend', authResult: 'succes' });
    land(chatUrl);
    const first = await mount();
    await waitForState(first.el, 'success');
    fixtureCleanup();

    land(chatUrl); // history, a shared link, someone else
    const { el } = await mount();
    await waitForState(el, 'error');
    expect(statusText(el)).to.equal('Deze link is al gebruikt of is verlopen. Log opnieuw in.');
    expect(el.shadowRoot!.querySelector('dl')).to.equal(null);
    button(el, 'Opnieuw inloggen').click();
    await waitForState(el, 'choosing');
  });

  it('a ?result= that does not verify: says so, shows nothing of it, offers a normal login', async () => {
    const { resultBackend } = await stack();
    const { chatUrl } = await startChat({ via: 'direct', backend: 'resultBackend' });
    land(`${chatUrl}&result=${await resultToken('forged')}`);
    const { el } = await mount({ backend: resultBackend, lang: 'en' });
    await waitForState(el, 'error');
    expect(statusText(el)).to.equal('We could not check your login. Please log in again.');
    expect(el.shadowRoot!.textContent).not.to.contain('Mallory');
    expect(new URLSearchParams(location.search).has('result')).to.equal(false);
    button(el, 'Log in again').click();
    await waitForState(el, 'choosing');
  });

  it('a reload while waiting keeps waiting on the attached session', async () => {
    const { chatUrl, attrUrl } = await startChat({ via: 'direct', backend: 'backend' });
    land(chatUrl);
    const first = await mount();
    await waitForState(first.el, 'waiting');
    fixtureCleanup(); // the page goes away; sessionStorage stays

    const { el, states } = await mount();
    await waitForState(el, 'waiting');
    expect(states).to.deep.equal(['waiting']);
    await deliverResult(attrUrl!, 'succes');
    await waitForState(el, 'success');
  });

  it('only the first element on the page takes the link', async () => {
    const { backend } = await stack();
    const { chatUrl } = await startChat({ via: 'direct', backend: 'backend', authResult: 'succes' });
    land(chatUrl);
    const box = await fixture<HTMLElement>(
      html`<div>
        <id-contact-auth purpose="report_move" backend=${backend}></id-contact-auth>
        <id-contact-auth purpose="report_move" backend=${backend}></id-contact-auth>
      </div>`,
    );
    const [a, b] = [...box.querySelectorAll('id-contact-auth')];
    await waitForState(a!, 'success');
    await waitForState(b!, 'choosing');
  });

  it('the whole way: core start, login page, chat page with ?result=', async () => {
    const { chatUrl: loginUrl } = await startChat({ via: 'core', authMethod: 'irma', commMethod: 'chat_result' });
    expect(loginUrl).to.match(new RegExp(`^${(await stack()).plugin}/login/`));
    // The user's browser goes to the login page (a window of its own here, as the test page must stay).
    const opener = document.createElement('button');
    let host: (Window & { states?: string[] }) | null = null;
    opener.addEventListener('click', () => (host = window.open(loginUrl, 'chat-host')));
    document.body.append(opener);
    await press(opener);
    opener.remove();
    if (!host) throw new Error('window did not open');
    const chatWindow: Window & { states?: string[] } = host;

    await login('succes');
    const element = () => {
      try {
        return chatWindow.document.querySelector('id-contact-auth') ?? undefined;
      } catch {
        return undefined; // still at the (cross-origin) login page
      }
    };
    const el = await waitFor(() => element()?.state === 'success' && element(), 'success on the chat page');
    expect(chatWindow.states).to.deep.equal(['attaching', 'waiting', 'success']);
    const params = new URLSearchParams(chatWindow.location.search);
    expect([...params.keys()]).to.deep.equal(['backend']);
    expect(values(el)).to.include('Sanne de Vries');
    chatWindow.close();
  });
});
