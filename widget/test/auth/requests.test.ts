/**
 * An employee's request to verify, in the resident's widget (`listen` with a
 * guest ticket), against the real backend: the request is made as the
 * employee's console makes it (`POST /agent/requests` with a host ticket,
 * signed on the Node side), and its fate read back as the console reads it.
 */
import { expect } from '@open-wc/testing';
import type { IdContactAuth, VerificationRequest } from '../../src/id-contact-auth.js';
import {
  agentRequest,
  askToVerify,
  button,
  cleanUp,
  login,
  methodButton,
  mount,
  part,
  parts,
  press,
  proxyLog,
  proxyMode,
  stack,
  statusText,
  ticketFor,
  waitFor,
  waitForState,
} from '../support/browser.js';
import { spyOnRequestStreams, type RequestSpy } from '../support/request-spy.js';

const REQUESTED = 'De medewerker vraagt u te bevestigen wie u bent';

let count = 0;
/** A conversation of its own for each widget, so no test sees another's request. */
const newConversation = () => `conv-${Date.now()}-${++count}`;

async function listening(options: { purpose?: string; backend?: string; lang?: string } = {}) {
  const conversation = newConversation();
  const ticket = await ticketFor('guest', conversation);
  const mounted = await mount({ backend: (await stack()).ticketBackend, ...options, ticket, listen: true });
  return { ...mounted, conversation, ticket };
}

function nextRequestEvent(): Promise<CustomEvent<{ request: VerificationRequest }>> {
  return new Promise((resolve) => document.addEventListener('id-contact-request', (e) => resolve(e as CustomEvent), { once: true }));
}

const methodNames = (el: IdContactAuth) => parts(el, 'method').map((b) => b.textContent!.trim());

describe('a request to verify', () => {
  let spy: RequestSpy;
  beforeEach(() => {
    spy = spyOnRequestStreams();
  });
  afterEach(async () => {
    spy.restore();
    await cleanUp();
  });

  it('reaches the listening widget of its conversation, and not another conversation’s', async () => {
    const mine = await listening();
    const other = await listening();
    await waitForState(mine.el, 'choosing');
    await waitForState(other.el, 'choosing');
    // The other widget's stream is open and has said so: no request there.
    await waitFor(() => spy.received(other.ticket).length > 0, 'the other widget’s first request event');
    expect(spy.received(other.ticket)).to.deep.equal([{ request: null }]);

    const shown = nextRequestEvent();
    const { status, request } = await askToVerify(mine.conversation);
    expect(status).to.equal(201);
    await waitForState(mine.el, 'requested');
    expect(statusText(mine.el)).to.equal(REQUESTED);
    // The core's name for the purpose, else its tag.
    const subject = request!.purpose_name ?? 'report_move';
    expect(part(mine.el, 'subject').textContent!.replace(/\s+/g, ' ').trim()).to.equal(`Onderwerp: ${subject}`);
    expect(methodNames(mine.el)).to.deep.equal(['Yivi', 'DigiD']);
    expect(button(mine.el, 'Nu niet')).to.exist;
    const { detail, bubbles, composed } = await shown;
    expect(detail.request).to.deep.include({ id: request!.id, purpose: 'report_move', status: 'pending' });
    expect([bubbles, composed]).to.deep.equal([true, true]);

    // The first widget's stream has had the request: the other's has had nothing since its null.
    await waitFor(() => spy.received(mine.ticket).some((e) => e.request?.id === request!.id), 'the request event');
    expect(spy.received(other.ticket)).to.deep.equal([{ request: null }]);
    expect(other.el.state).to.equal('choosing');
    expect(other.el.shadowRoot!.textContent).not.to.contain(REQUESTED);
  });

  it('shows the methods of the request’s purpose, and a choice logs in for that purpose', async () => {
    // The widget's own purpose has other methods (Yivi, Yivi with a login session) and attributes.
    const { el, conversation } = await listening({ purpose: 'chat_with_us' });
    await waitForState(el, 'choosing');
    expect(methodNames(el)).to.deep.equal(['Yivi', 'Yivi (with a login session)']);
    const { request } = await askToVerify(conversation);
    await waitForState(el, 'requested');
    expect(methodNames(el)).to.deep.equal(['Yivi', 'DigiD']);

    await press(methodButton(el, 'digid'));
    await waitForState(el, 'waiting');
    // The backend marked the request started by this login.
    await waitFor(async () => (await agentRequest(conversation))?.status === 'started', 'the request to be started');
    await login('succes');
    await waitForState(el, 'success');
    // report_move's attributes, which chat_with_us does not ask for.
    expect(parts(el, 'attribute-label').map((dt) => dt.textContent)).to.include('shoe_size');
    const settled = await agentRequest(conversation);
    expect(settled).to.deep.include({ id: request!.id, status: 'started' });
    // Back at rest, the started request is not shown again.
    expect(el.state).to.equal('success');
  });

  it('“Nu niet” declines it: the backend says declined, the widget shows what it showed before', async () => {
    const { el, conversation, states } = await listening();
    await waitForState(el, 'choosing');
    const { request } = await askToVerify(conversation);
    await waitForState(el, 'requested');
    await press(button(el, 'Nu niet'));
    await waitForState(el, 'choosing');
    expect(statusText(el)).to.equal('Kies hoe u wilt inloggen.');
    expect(methodNames(el)).to.deep.equal(['Yivi', 'DigiD']);
    await waitFor(async () => (await agentRequest(conversation))?.status === 'declined', 'the request to be declined');
    expect((await agentRequest(conversation))!.id).to.equal(request!.id);
    expect(states).to.deep.equal(['loading', 'choosing', 'requested', 'choosing']);
  });

  it('goes back to what was shown before when it expires', async () => {
    const { shortTicketBackend } = await stack();
    const { el, conversation } = await listening({ backend: shortTicketBackend, purpose: 'no_methods' });
    await waitForState(el, 'empty');
    await askToVerify(conversation, 'report_move', 'shortTicketBackend');
    await waitForState(el, 'requested');
    // Its two seconds pass.
    await waitForState(el, 'empty', 8000);
    expect(statusText(el)).to.equal('U kunt hier nu niet inloggen.');
    expect((await agentRequest(conversation, 'shortTicketBackend'))!.status).to.equal('expired');
  });

  it('is announced politely, in English too, and does not take focus from the chat input', async () => {
    const input = document.createElement('input');
    document.body.append(input);
    try {
      const { el, conversation } = await listening({ lang: 'en' });
      await waitForState(el, 'choosing');
      input.focus();
      await askToVerify(conversation);
      await waitForState(el, 'requested');
      const region = part(el, 'status');
      expect(region.getAttribute('role')).to.equal('status');
      expect(region.textContent!.replace(/\s+/g, ' ').trim()).to.match(/^The employee asks you to confirm who you are Subject: .+\.$/);
      expect(button(el, 'Not now')).to.exist;
      expect(document.activeElement).to.equal(input);
    } finally {
      input.remove();
    }
  });

  it('is not followed without `listen`, nor during a login', async () => {
    const conversation = newConversation();
    const ticket = await ticketFor('guest', conversation);
    const { el, states } = await mount({ backend: (await stack()).ticketBackend, ticket });
    await waitForState(el, 'choosing');
    expect(spy.received(ticket)).to.deep.equal([]);

    el.listen = true;
    await waitFor(() => spy.received(ticket).length > 0, 'the request stream to open');
    await press(methodButton(el, 'irma'));
    await waitForState(el, 'waiting');
    // A request made while the login runs is not shown over it (its channel is closed).
    await askToVerify(conversation);
    const before = spy.received(ticket).length;
    await login('succes');
    // After the login the channel opens again and says the request: it is shown now, over the result.
    await waitForState(el, 'requested');
    expect(states.slice(-3)).to.deep.equal(['waiting', 'success', 'requested']);
    expect(spy.received(ticket).length).to.be.above(before);
    // A click: the login window may still have the keyboard.
    button(el, 'Nu niet').click();
    await waitForState(el, 'success');
  });

  it('arrives through a proxy that buffers the stream, by polling', async () => {
    const { proxiedBackend } = await stack();
    await proxyMode('buffer');
    await proxyLog();
    const { el, conversation } = await listening({ backend: proxiedBackend });
    await waitForState(el, 'choosing');
    await askToVerify(conversation, 'report_move', 'proxiedBackend');
    await waitForState(el, 'requested', 12_000);
    const seen = await proxyLog();
    expect(seen).to.include('GET /requests/events');
    expect(seen).to.include('GET /requests/current');
  });
});
