/**
 * `<id-contact-agent>`: an axe audit of every state it can show (and with
 * `theme` against the page's scheme), under the colour scheme the browser was
 * started with (this file runs in both profiles, web-test-runner.config.js).
 */
import { expect } from '@open-wc/testing';
import type { IdContactAgent } from '../../src/id-contact-agent.js';
import {
  agentButton,
  agentPart,
  behave,
  cleanUpAgent,
  expireTicket,
  identity,
  mountAgent,
  newTicket,
  push,
  root,
  shown,
  until,
  untilState,
} from '../support/agent.js';
import { expectRunPreferences, pageScheme } from '../support/browser.js';

const scheme = pageScheme();

async function audit(el: IdContactAgent) {
  await el.updateComplete;
  await expect(el).to.be.accessible();
}

/** A conversation with a verified login and one of every other status. */
async function everyStatus(ticket: string) {
  await push(ticket, identity({ id: 'v' }));
  for (const status of ['waiting', 'failed', 'logged_out', 'expired', 'forgotten'] as const) {
    await push(ticket, identity({ id: status, status, auth_method: 'digid' }));
  }
}

describe(`agent: axe finds no violation (${scheme} colour scheme)`, () => {
  afterEach(cleanUpAgent);

  it('the browser runs with the system preferences of this run', expectRunPreferences);

  it('no ticket', async () => {
    const { el } = await mountAgent();
    await audit(el);
  });

  it('connecting', async () => {
    const ticket = newTicket();
    await behave(ticket, { events: 'hang' });
    const { el } = await mountAgent({ ticket });
    expect(el.state).to.equal('connecting');
    await audit(el);
  });

  it('live, nobody yet', async () => {
    const { el } = await mountAgent({ ticket: newTicket() });
    await untilState(el, 'live');
    await audit(el);
  });

  it('live, verified and every other status', async () => {
    const ticket = newTicket();
    await everyStatus(ticket);
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el).length === 6, 'all identities');
    await audit(el);
  });

  it('reconnecting, with identities', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    await behave(ticket, { events: 503 });
    const { el } = await mountAgent({ ticket });
    await untilState(el, 'reconnecting');
    await audit(el);
  });

  it('denied: ticket expired, and no access', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { el } = await mountAgent({ ticket });
    await untilState(el, 'live');
    await expireTicket(ticket);
    await untilState(el, 'denied');
    await audit(el);
    const other = newTicket();
    await behave(other, { refuse: 'invalid_ticket' });
    el.ticket = other;
    await untilState(el, 'denied');
    await audit(el);
  });

  it('Forget: confirming, deleting, failed', async () => {
    const ticket = newTicket();
    await everyStatus(ticket);
    await behave(ticket, { forget: 'hang' });
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el).length === 6, 'all identities');
    agentButton(el, 'Gegevens wissen').click();
    await audit(el);
    agentButton(el, 'Ja, wissen').click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.busy[part~="confirm"]')).to.not.equal(null);
    await audit(el);

    const failing = newTicket();
    await push(failing, identity());
    await behave(failing, { forget: 500 });
    el.ticket = failing;
    await until(() => shown(el).length === 1, 'the identity');
    agentButton(el, 'Gegevens wissen').click();
    await el.updateComplete;
    agentButton(el, 'Ja, wissen').click();
    await until(() => root(el).querySelector('[part~="error"]'), 'the error');
    await audit(el);
  });

  it(`theme="${scheme === 'light' ? 'dark' : 'light'}" against the page's scheme`, async () => {
    const ticket = newTicket();
    await everyStatus(ticket);
    const { el } = await mountAgent({ ticket, theme: scheme === 'light' ? 'dark' : 'light' });
    await until(() => shown(el).length === 6, 'all identities');
    await audit(el);
  });
});
