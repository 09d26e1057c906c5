/**
 * `<id-contact-agent>`: an axe audit of every state it can show, in the light
 * and the dark colour scheme (and with `theme`), and theming from the page.
 */
import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
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

describe('agent: axe finds no violation', () => {
  afterEach(cleanUpAgent);
  after(() => emulateMedia({ colorScheme: 'light' }));

  for (const scheme of ['light', 'dark'] as const) {
    describe(`${scheme} colour scheme`, () => {
      before(() => emulateMedia({ colorScheme: scheme }));

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
  }
});

describe('agent: theming', () => {
  let style: HTMLStyleElement | undefined;
  afterEach(() => {
    style?.remove();
    cleanUpAgent();
  });

  it('takes colours, radius and font from the same --id-contact-* properties as the resident widget', async () => {
    style = document.createElement('style');
    style.textContent = `id-contact-agent {
      --id-contact-success-color: rgb(0, 90, 0);
      --id-contact-background: rgb(250, 250, 240);
      --id-contact-radius: 0px;
      --id-contact-font: 20px serif;
    }`;
    document.head.append(style);
    const ticket = newTicket();
    await push(ticket, identity());
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el).length === 1, 'the identity');
    const badge = getComputedStyle(agentPart(el, 'badge'));
    expect(badge.backgroundColor).to.equal('rgb(0, 90, 0)');
    expect(badge.color).to.equal('rgb(250, 250, 240)');
    expect(getComputedStyle(agentPart(el, 'identity')).borderTopColor).to.equal('rgb(0, 90, 0)');
    expect(getComputedStyle(agentPart(el, 'container')).borderTopLeftRadius).to.equal('0px');
    expect(getComputedStyle(agentPart(el, 'container')).fontSize).to.equal('20px');
  });

  it('exposes its parts to ::part rules, verified and unverified apart', async () => {
    style = document.createElement('style');
    style.textContent = `id-contact-agent::part(heading) { letter-spacing: 3px; }
      id-contact-agent::part(verified) { outline: 4px solid rgb(1, 2, 3); }
      id-contact-agent::part(unverified) { outline: 4px dotted rgb(3, 2, 1); }
      id-contact-agent::part(attribute-label) { text-transform: uppercase; }`;
    document.head.append(style);
    const ticket = newTicket();
    await push(ticket, identity({ id: 'a' }));
    await push(ticket, identity({ id: 'b', status: 'waiting' }));
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el).length === 2, 'both');
    const [verified, waiting] = el.shadowRoot!.querySelectorAll('[part~="identity"]');
    expect(getComputedStyle(agentPart(el, 'heading')).letterSpacing).to.equal('3px');
    expect(getComputedStyle(verified!).outlineColor).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(waiting!).outlineStyle).to.equal('dotted');
    expect(getComputedStyle(agentPart(el, 'attribute-label')).textTransform).to.equal('uppercase');
  });

  it('theme="dark" (attribute or property) switches the defaults without the page’s media query', async () => {
    const { el } = await mountAgent();
    const background = () => getComputedStyle(agentPart(el, 'container')).backgroundColor;
    expect(background()).to.equal('rgb(255, 255, 255)');
    el.theme = 'dark';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(background()).to.equal('rgb(27, 27, 31)');
  });
});
