/**
 * Accessibility under the colour scheme and motion preference the browser
 * was started with (this file runs in both profiles, web-test-runner.config.js):
 * an axe audit of every state the user can see, and the busy indicator.
 */
import { expect } from '@open-wc/testing';
import type { IdContactAuth } from '../../src/id-contact-auth.js';
import {
  askToVerify,
  cleanUp,
  closePopups,
  coreMode,
  expectRunPreferences,
  login,
  methodButton,
  mount,
  openPages,
  pageReducesMotion,
  pageScheme,
  part,
  plantBrokenSession,
  press,
  stack,
  ticketFor,
  waitForState,
} from '../support/browser.js';

async function audit(el: IdContactAuth) {
  await el.updateComplete;
  await expect(el).to.be.accessible();
}

describe(`axe finds no violation (${pageScheme()} colour scheme)`, () => {
  afterEach(cleanUp);

  it('the browser runs with the system preferences of this run', expectRunPreferences);

  it('loading', async () => {
    await coreMode('hang');
    const { el } = await mount();
    expect(el.state).to.equal('loading');
    await audit(el);
  });

  it('choosing', async () => {
    const { el } = await mount();
    await waitForState(el, 'choosing');
    await audit(el);
  });

  it('requested (an employee asks to verify)', async () => {
    const conversation = `a11y-${Date.now()}`;
    const { el } = await mount({ backend: (await stack()).ticketBackend, ticket: await ticketFor('guest', conversation), listen: true });
    await waitForState(el, 'choosing');
    expect((await askToVerify(conversation)).status).to.equal(201);
    await waitForState(el, 'requested');
    await audit(el);
  });

  it('empty', async () => {
    const { el } = await mount({ purpose: 'no_methods' });
    await waitForState(el, 'empty');
    await audit(el);
  });

  it('error', async () => {
    const { el } = await mount({ purpose: 'no_such_purpose' });
    await waitForState(el, 'error');
    await audit(el);
  });

  it('starting', async () => {
    const { el } = await mount();
    await waitForState(el, 'choosing');
    await coreMode('hang');
    await press(methodButton(el, 'irma'));
    await waitForState(el, 'starting');
    await audit(el);
  });

  it('blocked', async () => {
    const { el } = await mount();
    await waitForState(el, 'choosing');
    methodButton(el, 'irma').click();
    await waitForState(el, 'blocked');
    await audit(el);
  });

  it('waiting, then success', async () => {
    const { el } = await mount();
    await waitForState(el, 'choosing');
    await press(methodButton(el, 'irma'));
    await waitForState(el, 'waiting');
    await audit(el);
    await login('succes');
    await waitForState(el, 'success');
    await audit(el);
  });

  it('failed', async () => {
    const { el } = await mount();
    await waitForState(el, 'choosing');
    await press(methodButton(el, 'irma'));
    await waitForState(el, 'waiting');
    await login('failed');
    await waitForState(el, 'failed');
    await audit(el);
  });

  it('expired', async () => {
    const { el } = await mount({ backend: (await stack()).shortBackend });
    await waitForState(el, 'choosing');
    await press(methodButton(el, 'irma'));
    await waitForState(el, 'expired', 6000);
    await audit(el);
  });

  it('closed', async () => {
    const { el } = await mount();
    await waitForState(el, 'choosing');
    await press(methodButton(el, 'irma'));
    await waitForState(el, 'waiting');
    const { plugin } = await stack();
    // The window shows our page until the login page commits; close it after that, as a resident would.
    for (let i = 0; i < 100 && !(await openPages()).some((url) => url.startsWith(`${plugin}/login/`)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await closePopups();
    await waitForState(el, 'closed', 5000);
    await audit(el);
  });

  it('reconnecting', async () => {
    plantBrokenSession((await stack()).backend);
    const { el } = await mount();
    await waitForState(el, 'reconnecting');
    await audit(el);
  });
});

describe(`the busy indicator (${pageReducesMotion() ? 'reduced motion' : 'motion allowed'})`, () => {
  afterEach(cleanUp);

  it('spins, unless the system asks for reduced motion', async () => {
    await expectRunPreferences();
    await coreMode('hang');
    const { el } = await mount();
    const status = part(el, 'status');
    expect(getComputedStyle(status, '::before').animationName).to.equal(pageReducesMotion() ? 'none' : 'spin');
  });
});
