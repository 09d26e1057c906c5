/**
 * Logins that keep a session at the auth plugin, audited by axe under the
 * colour scheme the browser was started with (this file runs in both
 * profiles, web-test-runner.config.js).
 */
import { expect } from '@open-wc/testing';
import { button, cleanUp, expectRunPreferences, land, mount, pageScheme, startChat, statusText, waitForState } from '../support/browser.js';
import { loggedIn, reload } from '../support/session-login.js';

describe(`login sessions: axe finds no violation (${pageScheme()} colour scheme)`, () => {
  afterEach(cleanUp);

  it('the browser runs with the system preferences of this run', expectRunPreferences);

  it(`success with Logout, and logged out`, async () => {
    const { el } = await loggedIn();
    await expect(el).to.be.accessible();
    button(el, 'Uitloggen').click();
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it(`signed in after a reload`, async () => {
    await loggedIn();
    const { el } = await reload();
    await waitForState(el, 'signedIn');
    await expect(el).to.be.accessible();
  });

  it(`checking the login after a reload`, async () => {
    await loggedIn();
    // Hold the check's answer back (only here: the state passes in milliseconds otherwise).
    const realFetch = window.fetch;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    window.fetch = async (...args) => {
      if (String(args[0]).endsWith('/activity')) await held;
      return realFetch(...args);
    };
    try {
      const { el } = await reload();
      expect(el.state).to.equal('restoring');
      expect(statusText(el)).to.equal('We kijken of u nog bent ingelogd…');
      await expect(el).to.be.accessible();
      release();
      await waitForState(el, 'signedIn');
    } finally {
      window.fetch = realFetch;
      release();
    }
  });

  it(`a spent chat link`, async () => {
    const { chatUrl } = await startChat({ via: 'direct', backend: 'backend', authResult: 'failed' });
    land(chatUrl);
    const first = await mount();
    await waitForState(first.el, 'failed');
    await expect(first.el).to.be.accessible();
    land(chatUrl);
    const { el } = await mount();
    await waitForState(el, 'error');
    await expect(el).to.be.accessible();
  });
});
