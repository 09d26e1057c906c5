/**
 * `<id-contact-agent>`'s Forget: an inline confirm step (not window.confirm),
 * then `DELETE /agent/identities` with the ticket as Bearer; with the mouse
 * and with the keyboard alone.
 */
import { expect } from '@open-wc/testing';
import {
  agentButton,
  agentPart,
  behave,
  cleanUpAgent,
  feedLog,
  focused,
  hasButton,
  identity,
  mountAgent,
  newTicket,
  push,
  root,
  shown,
  sleep,
  statusOf,
  text,
  until,
  untilState,
} from '../support/agent.js';
import { key } from '../support/browser.js';

async function verifiedConversation(lang = 'nl') {
  const ticket = newTicket();
  await push(ticket, identity({ id: 'a' }));
  await push(ticket, identity({ id: 'b', status: 'logged_out' }));
  const mounted = await mountAgent({ ticket, lang });
  await until(() => shown(mounted.el).length === 2, 'the identities');
  return { ticket, ...mounted };
}

describe('agent: Forget', () => {
  afterEach(cleanUpAgent);

  it('asks first, then sends DELETE with the ticket as Bearer; the stream shows everyone forgotten', async () => {
    const { ticket, el } = await verifiedConversation();
    agentButton(el, 'Gegevens wissen').click();
    await el.updateComplete;
    const confirm = agentPart(el, 'confirm');
    expect(confirm.getAttribute('role')).to.equal('group');
    expect(text(confirm.querySelector('p'))).to.equal(
      'Alle gegevens van de inwoners in dit gesprek wissen? Dit kunt u niet ongedaan maken.',
    );
    expect((await feedLog(ticket)).forgets).to.deep.equal([]);

    agentButton(el, 'Ja, wissen').click();
    await until(async () => (await feedLog(ticket)).forgets.length === 1, 'the DELETE');
    expect((await feedLog(ticket)).forgets).to.deep.equal([{ authorization: `Bearer ${ticket}` }]);
    await until(() => shown(el).every((i) => i.status === 'forgotten'), 'everyone forgotten');
    expect(shown(el).map((i) => [i.verified, i.reason, i.attributes.length])).to.deep.equal([
      [false, 'gegevens gewist', 0],
      [false, 'gegevens gewist', 0],
    ]);
    // Nothing left to forget: no button.
    await el.updateComplete;
    expect(hasButton(el, 'Gegevens wissen')).to.equal(false);
  });

  it('Cancel, or Escape, sends nothing', async () => {
    const { ticket, el } = await verifiedConversation('en');
    agentButton(el, 'Forget details').click();
    await el.updateComplete;
    agentButton(el, 'Cancel').click();
    await el.updateComplete;
    expect(hasButton(el, 'Yes, forget')).to.equal(false);
    expect(hasButton(el, 'Forget details')).to.equal(true);

    agentButton(el, 'Forget details').click();
    await el.updateComplete;
    agentButton(el, 'Cancel').focus();
    await key('Escape');
    await el.updateComplete;
    expect(hasButton(el, 'Forget details')).to.equal(true);
    await sleep(300);
    expect((await feedLog(ticket)).forgets).to.deep.equal([]);
    expect(shown(el)[0]!.verified).to.equal(true);
  });

  it('works with the keyboard alone, focus following the step', async () => {
    const { ticket, el } = await verifiedConversation();
    const before = document.createElement('button');
    before.textContent = 'before';
    document.body.prepend(before);
    try {
      before.focus();
      await key('Tab');
      // The heading is a focus target for the element itself, not a tab stop.
      expect(text(focused(el))).to.equal('Gegevens wissen');
      expect(getComputedStyle(focused(el)!).outlineStyle).to.equal('solid');

      await key('Enter');
      await el.updateComplete;
      // The safe choice has focus; the question labels the group.
      expect(text(focused(el))).to.equal('Annuleren');
      await key('Escape');
      await el.updateComplete;
      expect(text(focused(el))).to.equal('Gegevens wissen');

      await key('Space');
      await el.updateComplete;
      expect(text(focused(el))).to.equal('Annuleren');
      await key('Shift+Tab');
      expect(text(focused(el))).to.equal('Ja, wissen');
      await key('Enter');
      await until(async () => (await feedLog(ticket)).forgets.length === 1, 'the DELETE');
      await until(() => shown(el).every((i) => i.status === 'forgotten'), 'everyone forgotten');
      await el.updateComplete;
      // The buttons went away under the keyboard user: focus stayed in the element.
      expect(focused(el)).to.equal(agentPart(el, 'heading'));
    } finally {
      before.remove();
    }
  });

  it('a failed Forget says so, and can be tried again', async () => {
    const { ticket, el } = await verifiedConversation();
    await behave(ticket, { forget: 500 });
    agentButton(el, 'Gegevens wissen').click();
    await el.updateComplete;
    agentButton(el, 'Ja, wissen').click();
    await until(() => root(el).querySelector('[part~="error"]'), 'the error');
    const error = agentPart(el, 'error');
    expect(error.getAttribute('role')).to.equal('alert');
    expect(text(error)).to.equal('Het wissen is niet gelukt. Probeer het opnieuw.');
    expect(shown(el)[0]!.verified).to.equal(true);

    await behave(ticket, { forget: 204 });
    agentButton(el, 'Gegevens wissen').click();
    await el.updateComplete;
    expect(root(el).querySelector('[part~="error"]')).to.equal(null);
    agentButton(el, 'Ja, wissen').click();
    await until(() => shown(el).every((i) => i.status === 'forgotten'), 'everyone forgotten');
    expect((await feedLog(ticket)).forgets).to.have.length(2);
  });

  it('a Forget refused for an expired ticket stops the element like the stream would', async () => {
    const { ticket, el, errors } = await verifiedConversation();
    await behave(ticket, { refuse: 'ticket_expired' });
    agentButton(el, 'Gegevens wissen').click();
    await el.updateComplete;
    agentButton(el, 'Ja, wissen').click();
    await untilState(el, 'denied');
    expect(statusOf(el)).to.equal('Uw toegang is verlopen. Vernieuw de pagina.');
    expect(shown(el)).to.deep.equal([]);
    expect(errors()).to.deep.equal(['ticket_expired']);
    expect(hasButton(el, 'Gegevens wissen')).to.equal(false);
  });

  it('is offered only while there is something to forget', async () => {
    const ticket = newTicket();
    const { el } = await mountAgent({ ticket });
    await untilState(el, 'live');
    expect(hasButton(el, 'Gegevens wissen')).to.equal(false);
    await push(ticket, identity({ status: 'waiting' }));
    await until(() => hasButton(el, 'Gegevens wissen'), 'the button');
  });
});
