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
  askButton,
  askError,
  behave,
  cleanUpAgent,
  expireTicket,
  identity,
  mountAgent,
  newTicket,
  push,
  requestLine,
  root,
  setRequest,
  shown,
  until,
  untilState,
  verificationRequest,
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

  const PURPOSES = { report_move: { nl: 'Verhuizing doorgeven', en: 'Report a move' }, passport: 'Paspoort' };

  it('asking: one purpose, a choice of several, sending, and each request status', async () => {
    const ticket = newTicket();
    await push(ticket, identity({ purpose: 'report_move' }));
    const { el } = await mountAgent({ ticket, purposes: { report_move: PURPOSES.report_move }, links: { bsn: 'https://zaak.example/{value}' } });
    await until(() => shown(el).length === 1, 'the identity');
    await audit(el);
    el.purposes = PURPOSES;
    await until(() => root(el).querySelector('select'), 'the choice');
    await audit(el);
    await behave(ticket, { ask: 'hang' });
    askButton(el)!.click();
    await audit(el);
    for (const status of ['pending', 'started', 'declined', 'expired'] as const) {
      await setRequest(ticket, verificationRequest({ status, updated_at: new Date(Date.now() + 1000).toISOString() }));
      await until(() => requestLine(el)?.dataset['status'] === status, status);
      await audit(el);
    }
  });

  it('asking failed', async () => {
    const ticket = newTicket();
    await behave(ticket, { ask: 429 });
    const { el } = await mountAgent({ ticket, purposes: PURPOSES });
    await untilState(el, 'live');
    askButton(el)!.click();
    await until(() => askError(el), 'the error');
    await audit(el);
  });
});
