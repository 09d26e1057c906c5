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
  openPages,
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

/** Counts the `state` events the page's event streams receive (EventSource wrapped; the widget uses it as always). */
function countStateEvents() {
  const Original = window.EventSource;
  const counter = { count: 0, restore: () => void (window.EventSource = Original) };
  window.EventSource = class extends Original {
    constructor(...args: ConstructorParameters<typeof EventSource>) {
      super(...args);
      this.addEventListener('state', () => counter.count++);
    }
  };
  return counter;
}

/** The page goes to the background and comes back, as a phone does around the login app. */
function hideAndShow() {
  for (const visibilityState of ['hidden', 'visible'] as const) {
    Object.defineProperty(document, 'visibilityState', { value: visibilityState, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }
}

/** The login window went back to the backend, which took the result and closed it. */
async function returned() {
  const { plugin, proxiedBackend } = await stack();
  await waitFor(async () => !(await openPages()).some((url) => url.startsWith(plugin) || url.startsWith(proxiedBackend)), 'the login window to close');
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
  let states: ReturnType<typeof countStateEvents>;
  beforeEach(() => {
    states = countStateEvents();
  });
  afterEach(async () => {
    states.restore();
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
    // The stream has said `state` (so no poll follows): now it goes silent, and stays open.
    await waitFor(() => states.count === 1, 'the stream’s state event');
    await proxyMode('stall');
    await proxyLog();
    await login('succes');
    // The popup came back to the backend and closed: the result is there, the stream does not bring it.
    await returned();
    expect(el.state).to.equal('waiting');
    expect((await proxyLog()).filter((line) => statusPath.test(line))).to.deep.equal([]);
    hideAndShow();
    // The stalled stream has no reconnect delay to wait out: it never errs. Only the recovery brings it.
    await waitForState(el, 'success');
  });

  it('a page back from the back-forward cache (pageshow, persisted) does the same', async () => {
    const { proxiedBackend } = await stack();
    const { el } = await mount({ backend: proxiedBackend, ticket: await ticketFor('guest', `recovery-${Date.now()}`) });
    await startLogin(el);
    await waitFor(() => states.count === 1, 'the stream’s state event');
    await proxyMode('stall');
    await proxyLog();
    await login('succes');
    await returned();
    expect(el.state).to.equal('waiting');
    expect((await proxyLog()).filter((line) => statusPath.test(line))).to.deep.equal([]);
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await waitForState(el, 'success');
  });

  it('does nothing on the page’s events once the element is gone', async () => {
    const { proxiedBackend } = await stack();
    const { el } = await mount({ backend: proxiedBackend, ticket: await ticketFor('guest', `recovery-${Date.now()}`) });
    await startLogin(el);
    // The stream is open and its request logged: nothing of it can reach the proxy after the log is read.
    await waitFor(() => states.count === 1, 'the stream’s state event');
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
