/**
 * `<id-contact-agent>` asking the resident to log in: what the control
 * offers, what it posts (purpose, host ticket), the request as the stream
 * tells it (pending, started, declined, expired), and every way asking can
 * fail. Against the agent wire-format fixture over real HTTP.
 */
import { expect } from '@open-wc/testing';
import type { IdContactAgent } from '../../src/id-contact-agent.js';
import {
  askButton,
  askError,
  behave,
  cleanUpAgent,
  currentRequest,
  endStream,
  feedLog,
  mountAgent,
  newTicket,
  requestLine,
  root,
  setRequest,
  statusOf,
  text,
  until,
  untilState,
  verificationRequest,
} from '../support/agent.js';

const PURPOSES = {
  report_move: { nl: 'Verhuizing doorgeven', en: 'Report a move' },
  personal_question: { nl: 'Een persoonlijke vraag', en: 'A personal question' },
};

/** Until when, as the element says it: the time, with the date when that is not today (a request made just before midnight). */
const shownUntil = (iso: string, locale: string) => {
  const date = new Date(iso);
  const today = date.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(locale, { dateStyle: today ? undefined : 'short', timeStyle: 'short' }).format(date);
};
const disabled = (el: IdContactAgent) => askButton(el)?.getAttribute('aria-disabled') === 'true';
const liveRegion = (el: IdContactAgent) => text(root(el).querySelector('[aria-live]'));
const select = (el: IdContactAgent) => root(el).querySelector<HTMLSelectElement>('[part~="ask-purpose"]');

async function live(options: Parameters<typeof mountAgent>[0] = {}) {
  const ticket = options.ticket ?? newTicket();
  const mounted = await mountAgent({ ...options, ticket });
  await untilState(mounted.el, 'live');
  return { ...mounted, ticket };
}

describe('agent: asking the resident to log in', () => {
  afterEach(cleanUpAgent);

  it('one purpose: one button with the subject; it posts the purpose with the host ticket, then shows the request pending and is disabled', async () => {
    const { el, ticket, requests } = await live({ purposes: { report_move: PURPOSES.report_move } });
    expect(select(el)).to.equal(null);
    expect(text(root(el).querySelector('[part~="ask-label"]'))).to.equal('Onderwerp: Verhuizing doorgeven');
    expect(text(askButton(el))).to.equal('Vraag om inloggen');
    expect(disabled(el)).to.equal(false);
    expect(requestLine(el)).to.equal(null);

    askButton(el)!.click();
    await until(() => requestLine(el), 'the request');
    const { asks } = await feedLog(ticket);
    expect(asks).to.deep.equal([{ authorization: `Bearer ${ticket}`, contentType: 'application/json', body: '{"purpose":"report_move"}' }]);
    const made = (await currentRequest(ticket))!;
    const until_ = shownUntil(made.expires_at, 'nl-NL');
    expect(text(requestLine(el))).to.equal(`Gevraagd om in te loggen voor: Verhuizing doorgeven. Wacht op de inwoner (tot ${until_}).`);
    expect(requestLine(el)!.dataset['status']).to.equal('pending');
    expect(disabled(el)).to.equal(true);
    expect(el.request).to.deep.equal(made);
    expect(liveRegion(el)).to.equal(text(requestLine(el)));
    // One event for the request, though both the answer and the stream brought it.
    expect(requests()).to.deep.equal([made]);

    // Disabled means nothing is sent.
    askButton(el)!.click();
    await el.updateComplete;
    expect((await feedLog(ticket)).asks).to.have.length(1);
  });

  it('several purposes: a labelled choice; it posts the one chosen; the core’s name for it wins on the request', async () => {
    const { el, ticket } = await live({ purposes: PURPOSES, lang: 'en' });
    const choice = select(el)!;
    expect([...choice.options].map((o) => [o.value, o.text])).to.deep.equal([
      ['report_move', 'Report a move'],
      ['personal_question', 'A personal question'],
    ]);
    expect(text(root(el).querySelector(`label[for="${choice.id}"]`))).to.equal('Subject');
    choice.value = 'personal_question';
    choice.dispatchEvent(new Event('change'));
    await el.updateComplete;
    askButton(el)!.click();
    await until(() => requestLine(el), 'the request');
    expect((await feedLog(ticket)).asks.map((a) => a.body)).to.deep.equal(['{"purpose":"personal_question"}']);
    // The fixture's core names personal_question "Persoonlijke vraag".
    const until_ = shownUntil((await currentRequest(ticket))!.expires_at, 'en-GB');
    expect(text(requestLine(el))).to.equal(`Asked to log in for: Persoonlijke vraag. Waiting for the resident (until ${until_}).`);
  });

  it('request-purpose: asks for that one when purposes offers none; preselects it when purposes has it', async () => {
    const { el, ticket } = await live({ requestPurpose: 'report_move' });
    expect(text(root(el).querySelector('[part~="ask-label"]'))).to.equal('Onderwerp: report_move');
    askButton(el)!.click();
    await until(() => requestLine(el), 'the request');
    expect((await feedLog(ticket)).asks.map((a) => a.body)).to.deep.equal(['{"purpose":"report_move"}']);

    const other = await live({ purposes: PURPOSES, requestPurpose: 'personal_question' });
    expect(select(other.el)!.value).to.equal('personal_question');
  });

  it('without purposes or request-purpose there is no control', async () => {
    const { el } = await live();
    expect(askButton(el)).to.equal(null);
    expect(root(el).querySelector('[part~="ask"]')).to.equal(null);
  });

  it('follows the request on the stream: started, declined, expired; asking is possible again after each', async () => {
    const { el, ticket, requests } = await live({ purposes: PURPOSES });
    const pending = verificationRequest({ purpose: 'report_move' });
    await setRequest(ticket, pending);
    await until(() => disabled(el), 'disabled while pending');
    const later = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    const steps = [
      [{ ...pending, status: 'started', identity_id: 'login-1', updated_at: later(1) }, 'De inwoner is begonnen met inloggen voor: Verhuizing doorgeven.'],
      [{ ...pending, id: 'request-2', status: 'declined', updated_at: later(2) }, 'De inwoner wil nu niet inloggen.'],
      [{ ...pending, id: 'request-3', status: 'expired', updated_at: later(3) }, 'Het verzoek om in te loggen is verlopen.'],
    ] as const;
    for (const [request, shown] of steps) {
      await setRequest(ticket, request);
      await until(() => text(requestLine(el)) === shown, shown);
      expect(requestLine(el)!.dataset['status']).to.equal(request.status);
      expect(disabled(el), request.status).to.equal(false);
      expect(liveRegion(el)).to.equal(shown);
    }
    expect(requests().map((r) => r?.status)).to.deep.equal(['pending', 'started', 'declined', 'expired']);
    // No request any more: nothing shown.
    await setRequest(ticket, null);
    await until(() => !requestLine(el), 'the request gone');
  });

  it('a pending request whose time passes shows as expired even if the stream does not say so', async () => {
    const { el, ticket } = await live({ purposes: PURPOSES });
    await setRequest(ticket, verificationRequest({ expires_at: new Date(Date.now() + 200).toISOString() }));
    await until(() => disabled(el), 'pending');
    await until(() => requestLine(el)?.dataset['status'] === 'expired', 'expired by itself', 6000);
    expect(text(requestLine(el))).to.equal('Het verzoek om in te loggen is verlopen.');
    expect(disabled(el)).to.equal(false);
  });

  it('the request is part of the snapshot after a reconnect', async () => {
    const { el, ticket } = await live({ purposes: PURPOSES, lang: 'en' });
    await endStream(ticket);
    await setRequest(ticket, verificationRequest({ status: 'declined' }));
    await until(() => requestLine(el)?.dataset['status'] === 'declined', 'the request after reconnecting', 8000);
    expect(text(requestLine(el))).to.equal('The resident does not want to log in now.');
  });

  const failures = [
    ['409 request_pending', { ask: 409 }, 'report_move', 'request_pending', 'Er staat al een verzoek om in te loggen open.'],
    ['400 unknown_purpose', {}, 'dog_licence', 'unknown_purpose', 'Voor dit onderwerp kan niet worden ingelogd.'],
    ['429', { ask: 429 }, 'report_move', 'rate_limited', 'Te veel verzoeken. Probeer het over een minuut opnieuw.'],
    ['a network failure', { ask: 'network' }, 'report_move', 'network', 'Het verzoek kon niet worden verstuurd. Probeer het opnieuw.'],
    ['500', { ask: 500 }, 'report_move', 'failed', 'Het verzoek kon niet worden verstuurd. Probeer het opnieuw.'],
  ] as const;
  for (const [what, behaviour, purpose, code, message] of failures) {
    it(`${what}: says why, fires id-contact-request-error, and lets the employee try again`, async () => {
      const ticket = newTicket();
      await behave(ticket, behaviour);
      const { el, askErrors } = await live({ ticket, purposes: { [purpose]: 'Onderwerp' } });
      askButton(el)!.click();
      await until(() => askError(el), 'the error');
      expect(askError(el)).to.equal(message);
      expect(root(el).querySelector('[part~="request-error"]')!.getAttribute('role')).to.equal('alert');
      expect(askErrors()).to.deep.equal([code]);
      expect(disabled(el)).to.equal(false);
      expect(el.state).to.equal('live');
      await behave(ticket, { ask: 'ok' });
      askButton(el)!.click();
      await until(() => (purpose === 'report_move' ? requestLine(el) : askErrors().length === 2), 'the second try');
      expect((await feedLog(ticket)).asks).to.have.length(2);
    });
  }

  it('a refused ticket on asking ends access, as on the stream', async () => {
    const { el, ticket, errors } = await live({ purposes: PURPOSES });
    await behave(ticket, { refuse: 'ticket_expired' });
    askButton(el)!.click();
    await untilState(el, 'denied');
    expect(statusOf(el)).to.equal('Uw toegang is verlopen. Vernieuw de pagina.');
    expect(askButton(el)).to.equal(null);
    expect(errors()).to.include('ticket_expired');
  });

  it('while the answer is on its way the button is disabled, and a second press sends nothing', async () => {
    const { el, ticket } = await live({ purposes: PURPOSES });
    await behave(ticket, { ask: 'hang' });
    askButton(el)!.click();
    await el.updateComplete;
    expect(disabled(el)).to.equal(true);
    askButton(el)!.click();
    await until(async () => (await feedLog(ticket)).asks.length === 1, 'the first ask');
    expect((await feedLog(ticket)).asks).to.have.length(1);
  });
});
