/**
 * A session stream that always arrives: through a proxy that buffers event
 * streams the result comes by polling the session's status, and a page that
 * was hidden (the phone switched to the login app) or came back from the
 * back-forward cache checks at once, whatever became of its stream. The
 * widget talks to a backend behind a loopback proxy (buffering-proxy.ts).
 */
import { expect, fixtureCleanup } from '@open-wc/testing';
import type { IdContactAuth } from '../../src/id-contact-auth.js';
import {
  cleanUp,
  login,
  methodButton,
  mount,
  parts,
  press,
  proxyLog,
  proxyMode,
  stack,
  ticketFor,
  waitFor,
  waitForState,
} from '../support/browser.js';

const statusPath = /^GET \/sessions\/[^/]+\/status$/;

async function startLogin(el: IdContactAuth) {
  await waitForState(el, 'choosing');
  await press(methodButton(el, 'irma'));
  await waitForState(el, 'waiting');
}

/** The page goes to the background and comes back, as a phone does around the login app. */
function hideAndShow() {
  for (const visibilityState of ['hidden', 'visible'] as const) {
    Object.defineProperty(document, 'visibilityState', { value: visibilityState, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }
}

/** The proxy log, gathered until `check` finds what it waits for. */
async function relayed(check: (seen: string[]) => boolean, what: string) {
  const seen: string[] = [];
  await waitFor(async () => {
    seen.push(...(await proxyLog()));
    return check(seen);
  }, what);
  return seen;
}

describe('a session stream that always arrives', () => {
  afterEach(async () => {
    // The page's own visibility again.
    delete (document as { visibilityState?: unknown }).visibilityState;
    await cleanUp();
  });

  it('through a proxy that buffers it, the result comes by polling the status', async () => {
    const { proxiedBackend } = await stack();
    await proxyMode('buffer');
    await proxyLog();
    const { el, states } = await mount({ backend: proxiedBackend, ticket: await ticketFor('guest', `recovery-${Date.now()}`) });
    await startLogin(el);
    // No event within 3 s: the widget polls.
    await relayed((seen) => seen.some((line) => statusPath.test(line)), 'a poll of the status');
    await login('succes');
    await waitForState(el, 'success');
    expect(parts(el, 'attribute-value').map((dd) => dd.textContent)).to.include('Sanne de Vries');
    expect(states).not.to.include('error');
  });

  it('a page hidden and shown again shows the result its stalled stream never brought', async () => {
    const { proxiedBackend } = await stack();
    const { el } = await mount({ backend: proxiedBackend, ticket: await ticketFor('guest', `recovery-${Date.now()}`) });
    await startLogin(el);
    await proxyLog();
    // The stream has said `state` (no poll): now it goes silent, and stays open.
    await proxyMode('stall');
    await login('succes');
    // The popup came back to the backend: the result is there, the stream does not bring it.
    await relayed((seen) => seen.some((line) => line.startsWith('GET /return/')), 'the return page');
    expect(el.state).to.equal('waiting');
    hideAndShow();
    await waitForState(el, 'success', 3000);
  });

  it('a page back from the back-forward cache (pageshow, persisted) does the same', async () => {
    const { proxiedBackend } = await stack();
    const { el } = await mount({ backend: proxiedBackend, ticket: await ticketFor('guest', `recovery-${Date.now()}`) });
    await startLogin(el);
    await proxyMode('stall');
    await login('succes');
    await relayed((seen) => seen.some((line) => line.startsWith('GET /return/')), 'the return page');
    expect(el.state).to.equal('waiting');
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await waitForState(el, 'success', 3000);
  });

  it('lets go of the page’s events when the element goes', async () => {
    const { proxiedBackend } = await stack();
    const { el } = await mount({ backend: proxiedBackend, ticket: await ticketFor('guest', `recovery-${Date.now()}`) });
    await startLogin(el);
    fixtureCleanup();
    await proxyLog();
    hideAndShow();
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    // A request of our own after the events: the widget's check would have gone first.
    await fetch(`${proxiedBackend}/session_options/report_move`);
    const seen = await relayed((lines) => lines.includes('GET /session_options/report_move'), 'our own request');
    expect(seen.filter((line) => statusPath.test(line) || line.includes('/events'))).to.deep.equal([]);
  });
});
