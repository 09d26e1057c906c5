/**
 * Logins that keep a session at the auth plugin (the result carries
 * session_url): the Logout button, `reportActivity()`, and a session_url that
 * fails or hangs. The login goes through the stand-in core's full `/start`
 * and the session-keeping test auth plugin; the plugin records what the
 * backend tells it. A reload is the element going away and a new one coming,
 * with the same sessionStorage.
 */
import { expect, fixtureCleanup } from '@open-wc/testing';
import {
  button,
  cleanUp,
  feedbackBehaviour,
  land,
  mount,
  parts,
  press,
  sessionFeedback,
  stack,
  startChat,
  statusText,
  waitForState,
  key,
} from '../support/browser.js';
import { loggedIn, reload, type Stored } from '../support/session-login.js';

const since = async (start: number, type: 'user_active' | 'logout') =>
  (await sessionFeedback()).filter((call) => call.type === type && call.at >= start);

function nextLogout(): Promise<CustomEvent<{ sessionId: string }>> {
  return new Promise((resolve) => document.addEventListener('id-contact-logout', resolve, { once: true }));
}

/** The raw sessionStorage records of the widget. */
const storedRecords = () =>
  Object.keys(sessionStorage)
    .filter((key) => key.startsWith('id-contact-auth'))
    .map((key) => sessionStorage.getItem(key)!);

/** The page goes away and comes back: a new element, the same sessionStorage. */
/** Ends the session at the backend as another tab's Logout would. */
async function logoutElsewhere(session: Stored['session']) {
  const response = await fetch(`${new URL(session.events_url).origin}/sessions/${session.session_id}/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${new URL(session.events_url).searchParams.get('token')}` },
  });
  expect(response.status).to.equal(200);
}

describe('login sessions (session_url)', () => {
  afterEach(cleanUp);

  it('Logout tells the plugin, clears the widget and the backend, and fires id-contact-logout', async () => {
    const start = Date.now();
    const { el, session } = await loggedIn();
    expect(parts(el, 'attribute-value').map((dd) => dd.textContent)).to.include('Sanne de Vries');
    const logout = button(el, 'Uitloggen');
    expect(logout.getAttribute('part')).to.equal('button');

    const fired = nextLogout();
    logout.click();
    expect(el.state).to.equal('loggedOut');
    expect((await fired).detail.sessionId).to.equal(session.session_id);
    await el.updateComplete;
    expect(statusText(el)).to.equal('U bent uitgelogd.');
    expect(el.shadowRoot!.querySelector('dl')).to.equal(null);
    expect(el.shadowRoot!.textContent).not.to.contain('Sanne');
    expect(storedRecords()).to.deep.equal([]);

    const calls = await waitForAsync(async () => {
      const found = await since(start, 'logout');
      return found.length ? found : undefined;
    }, 'the plugin to get the logout');
    expect(calls).to.have.length(1);
    // The backend forgot the session: its stream is gone.
    expect((await fetch(session.events_url)).status).to.equal(404);

    button(el, 'Opnieuw inloggen').click();
    await waitForState(el, 'choosing');
  });

  it('reportActivity() passes meaningful activity on once, however often it is called', async () => {
    const start = Date.now();
    const { el } = await loggedIn();
    for (let i = 0; i < 5; i++) {
      el.reportActivity();
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitForAsync(async () => (await since(start, 'user_active')).length > 0 || undefined, 'a user_active call');
    await new Promise((r) => setTimeout(r, 500));
    expect(await since(start, 'user_active')).to.have.length(1);
  });

  it('reportActivity() does nothing (and never throws) without a login session', async () => {
    const { el } = await mount();
    el.reportActivity();
    await waitForState(el, 'choosing');
    el.reportActivity();
    expect(el.state).to.equal('choosing');
  });

  for (const behaviour of ['fail', 'hang'] as const) {
    it(`a session_url that ${behaviour}s: the widget logs out at once all the same`, async () => {
      await feedbackBehaviour(behaviour);
      const start = Date.now();
      const { el, session } = await loggedIn();
      const fired = nextLogout();
      button(el, 'Uitloggen').click();
      expect(el.state).to.equal('loggedOut');
      await fired;
      // The backend answered without waiting on the plugin, and dropped the session.
      await waitForAsync(async () => (await since(start, 'logout')).length > 0 || undefined, 'the logout call');
      expect((await fetch(session.events_url)).status).to.equal(404);
    });
  }

  it('a logout the backend cannot carry out (session already gone) still clears the widget', async () => {
    const { el, session } = await loggedIn();
    const backend = new URL(session.events_url).origin;
    const token = new URL(session.events_url).searchParams.get('token');
    const first = await fetch(`${backend}/sessions/${session.session_id}/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(first.status).to.equal(200);
    const fired = nextLogout();
    button(el, 'Uitloggen').click();
    expect((await fired).detail.sessionId).to.equal(session.session_id);
    expect(el.state).to.equal('loggedOut');
  });

  describe('after a reload', () => {
    it('the browser keeps what Logout needs, never the attributes', async () => {
      const { session } = await loggedIn();
      const records = storedRecords();
      expect(records).to.have.length(1);
      expect(JSON.parse(records[0]!)).to.deep.equal({
        signedIn: true,
        backend: (await stack()).backend,
        session: { session_id: session.session_id, events_url: session.events_url },
      });
      for (const personal of ['Sanne', '999993653', 'sanne@example.nl', 'attributes']) expect(records[0]).not.to.contain(personal);
    });

    it('shows signedIn with Logout; activity is passed on; Logout reaches the plugin', async () => {
      const start = Date.now();
      const { session } = await loggedIn();
      const { el, states } = await reload();
      await waitForState(el, 'signedIn');
      expect(states).to.deep.equal(['restoring', 'signedIn']);
      expect(statusText(el)).to.equal('U bent ingelogd.');
      expect(el.shadowRoot!.querySelector('dl')).to.equal(null);
      expect(el.shadowRoot!.textContent).not.to.contain('Sanne');

      // The check on load was an activity report, this session's first: forwarded.
      await waitForAsync(async () => (await since(start, 'user_active')).length === 1 || undefined, "the check's user_active");
      // Once the backend's throttle allows the next one, reportActivity() is passed on too.
      await new Promise((r) => setTimeout(r, 100));
      const { activityIntervalMs } = await stack();
      await new Promise((r) => setTimeout(r, activityIntervalMs));
      el.reportActivity();
      await waitForAsync(async () => (await since(start, 'user_active')).length === 2 || undefined, 'a second user_active');

      const fired = nextLogout();
      button(el, 'Uitloggen').click();
      expect(el.state).to.equal('loggedOut');
      expect((await fired).detail.sessionId).to.equal(session.session_id);
      expect(storedRecords()).to.deep.equal([]);
      await waitForAsync(async () => (await since(start, 'logout')).length === 1 || undefined, 'the logout call');
      expect((await fetch(session.events_url)).status).to.equal(404);

      // Reloaded once more: a login is offered.
      const again = await reload();
      await waitForState(again.el, 'choosing');
    });

    it('in English, with strings overridden', async () => {
      await loggedIn('en');
      const { el } = await reload('en');
      await waitForState(el, 'signedIn');
      expect(statusText(el)).to.equal('You are logged in.');
      button(el, 'Log out');
      el.strings = { en: { signedIn: 'Welcome back.' } };
      await el.updateComplete;
      expect(statusText(el)).to.equal('Welcome back.');
    });

    it('a session that ended meanwhile (logged out elsewhere): the chooser, not an error; the record goes', async () => {
      const { session } = await loggedIn();
      await logoutElsewhere(session);
      const errors: Event[] = [];
      const onError = (e: Event) => errors.push(e);
      document.addEventListener('id-contact-error', onError);
      try {
        const { el, states } = await reload();
        await waitForState(el, 'choosing');
        expect(states).to.deep.equal(['restoring', 'loading', 'choosing']);
        expect(errors).to.deep.equal([]);
        expect(storedRecords()).to.deep.equal([]);
      } finally {
        document.removeEventListener('id-contact-error', onError);
      }
    });

    it('a session that ends while signedIn shows: the next activity report finds out', async () => {
      const { session } = await loggedIn();
      const { el } = await reload();
      await waitForState(el, 'signedIn');
      await logoutElsewhere(session);
      el.reportActivity();
      await waitForState(el, 'choosing');
      expect(storedRecords()).to.deep.equal([]);
    });

    it('a backend that cannot be reached: still signedIn, and Logout still clears the widget', async () => {
      const backend = 'http://127.0.0.1:9';
      const session = { session_id: 's1', events_url: `${backend}/sessions/s1/events?token=t` };
      sessionStorage.setItem(`id-contact-auth ${backend} report_move`, JSON.stringify({ signedIn: true, backend, session }));
      const { el } = await mount({ backend });
      await waitForState(el, 'signedIn');
      const fired = nextLogout();
      button(el, 'Uitloggen').click();
      expect((await fired).detail.sessionId).to.equal('s1');
      expect(el.state).to.equal('loggedOut');
      expect(storedRecords()).to.deep.equal([]);
    });
  });

  it('Logout is reachable and usable with the keyboard', async () => {
    const { el } = await loggedIn('en');
    (document.activeElement as HTMLElement | null)?.blur();
    await key('Tab');
    const focused = () => el.shadowRoot!.activeElement as HTMLElement | null;
    expect(focused()?.textContent?.trim()).to.equal('Log out');
    expect(getComputedStyle(focused()!).outlineStyle).to.equal('solid');
    await key('Enter');
    await waitForState(el, 'loggedOut');
    // The button went away under the focus; focus stayed in the widget, on the way back in.
    expect(focused()?.textContent?.trim()).to.equal('Log in again');
    await press(focused()!);
    await waitForState(el, 'choosing');
  });

});

/** waitFor for checks that need a round trip to the server. */
async function waitForAsync<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
