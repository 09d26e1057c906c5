/**
 * `<id-contact-agent>` following a conversation: snapshot and live updates,
 * what a verified login shows and what anything else does not, reconnects,
 * refused tickets, a new ticket, events. Against the agent wire-format
 * fixture over real HTTP in Chromium (no mocked fetch).
 */
import { expect } from '@open-wc/testing';
import {
  agentFeed,
  agentPart,
  agentParts,
  behave,
  cleanUpAgent,
  endStream,
  expireTicket,
  feedLog,
  heartbeat,
  identity,
  mountAgent,
  newTicket,
  PERSON,
  push,
  root,
  shown,
  sleep,
  statusOf,
  text,
  until,
  untilState,
} from '../support/agent.js';

describe('agent: following a conversation', () => {
  afterEach(cleanUpAgent);

  it('without a ticket says so and connects to nothing', async () => {
    const { el } = await mountAgent();
    await sleep(200);
    expect(el.state).to.equal('idle');
    expect(statusOf(el)).to.equal('Nog geen toegang tot een gesprek.');
    expect(agentParts(el, 'identity')).to.have.length(0);
  });

  it('says nobody has logged in yet when the conversation has no identity', async () => {
    const ticket = newTicket();
    const { el } = await mountAgent({ ticket });
    await untilState(el, 'live');
    expect(text(agentPart(el, 'empty'))).to.equal('Nog niemand ingelogd in dit gesprek');
    expect(text(agentPart(el, 'heading'))).to.equal('Inwoner in dit gesprek');
    expect(statusOf(el)).to.equal('');
    const { connections } = await feedLog(ticket);
    expect(connections).to.deep.equal([{ authorization: `Bearer ${ticket}`, lastEventId: null }]);
  });

  it('shows the snapshot at connect, then every change live, oldest first', async () => {
    const ticket = newTicket();
    await push(ticket, identity({ id: 'a', status: 'waiting' }));
    const { el, identities } = await mountAgent({ ticket });
    await until(() => shown(el).length === 1, 'the snapshot');
    expect(shown(el)[0]).to.include({ status: 'waiting', verified: false, badge: 'Niet geverifieerd', reason: 'wacht op inloggen' });

    await push(ticket, identity({ id: 'a' }));
    await until(() => shown(el)[0]?.verified, 'a verified');
    await push(ticket, identity({ id: 'b', status: 'waiting', auth_method: 'digid' }));
    await until(() => shown(el).length === 2, 'b');

    expect(shown(el).map((i) => [i.status, i.badge])).to.deep.equal([
      ['verified', 'Geverifieerd'],
      ['waiting', 'Niet geverifieerd'],
    ]);
    expect(shown(el)[1]!.meta).to.match(/^DigiD · bijgewerkt \d\d:\d\d$/);
    // One event per update received, with the identity as sent.
    expect(identities().map((i) => [i.id, i.status])).to.deep.equal([
      ['a', 'waiting'],
      ['a', 'verified'],
      ['b', 'waiting'],
    ]);
    expect(identities()[1]!.attributes).to.deep.equal(PERSON);
    expect(el.identities.map((i) => i.id)).to.deep.equal(['a', 'b']);
    // Comments (heartbeats) change nothing.
    await heartbeat(ticket);
    await sleep(100);
    expect(el.state).to.equal('live');
    expect(shown(el)).to.have.length(2);
  });

  it('a verified login shows its attributes with the resident widget’s labels, and unknown tags raw', async () => {
    const ticket = newTicket();
    await push(ticket, identity({ attributes: { fullname: PERSON.fullname, bsn: PERSON.bsn, email: PERSON.email, shoe_size: '42' } }));
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el).length === 1, 'the identity');
    const [login] = shown(el);
    expect(login).to.include({ verified: true, badge: 'Geverifieerd', reason: '' });
    expect(login!.meta).to.match(/^Yivi · bijgewerkt /);
    // In the order the server sent them (the test's command channel sorts keys).
    expect(login!.attributes.sort()).to.deep.equal([
      ['BSN', PERSON.bsn],
      ['E-mailadres', PERSON.email],
      ['Volledige naam', PERSON.fullname],
      ['shoe_size', '42'],
    ]);
    expect(agentPart(el, 'result').getAttribute('aria-label')).to.equal('Geverifieerde gegevens');

    el.lang = 'en';
    await el.updateComplete;
    expect(shown(el)[0]!.attributes).to.deep.include(['Citizen service number (BSN)', PERSON.bsn]);
    expect(shown(el)[0]!.badge).to.equal('Verified');
  });

  it('uses the page’s overrides for strings, attribute labels and method names', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { el } = await mountAgent({ ticket });
    el.strings = {
      nl: { heading: 'Wie is dit?', labels: { bsn: 'Burgerservicenummer' }, methodNames: { irma: 'Yivi-app' } },
      en: { heading: 'Who is this?' },
    };
    await until(() => shown(el).length === 1, 'the identity');
    expect(text(agentPart(el, 'heading'))).to.equal('Wie is dit?');
    expect(shown(el)[0]!.attributes).to.deep.include(['Burgerservicenummer', PERSON.bsn]);
    expect(shown(el)[0]!.meta).to.match(/^Yivi-app · /);
    el.lang = 'en';
    await el.updateComplete;
    expect(text(agentPart(el, 'heading'))).to.equal('Who is this?');
    expect(shown(el)[0]!.attributes).to.deep.include(['Citizen service number (BSN)', PERSON.bsn]);
  });

  it('anything but verified shows no attributes and nothing that looks verified, even if attributes came', async () => {
    const ticket = newTicket();
    const statuses = ['waiting', 'failed', 'logged_out', 'expired', 'forgotten', 'withdrawn', 'failed', 'suspended'] as const;
    for (const [i, status] of statuses.entries()) {
      // A misbehaving server sending attributes anyway. The second `failed`: completed in another browser.
      const reason = i === 6 ? { reason: 'other_browser' as const } : {};
      await push(ticket, { ...identity({ id: `i${i}`, status: status as 'waiting' }), ...reason, attributes: { ...PERSON } });
    }
    await push(ticket, identity({ id: 'ok' }));
    const { el, identities } = await mountAgent({ ticket });
    await until(() => shown(el).length === statuses.length + 1, 'all identities');
    const rows = shown(el);
    expect(rows.map((r) => r.reason)).to.deep.equal([
      'wacht op inloggen',
      'inloggen is mislukt',
      'uitgelogd',
      'inloggen is verlopen',
      'gegevens gewist',
      'ingetrokken: het inloggen is in een andere browser afgerond',
      'het inloggen is afgerond in een andere browser dan die van de inwoner: de gegevens zijn niet doorgegeven',
      'onbekende status',
      '',
    ]);
    const verifiedItem = agentParts(el, 'identity').at(-1)!;
    const okColour = getComputedStyle(verifiedItem.querySelector('[part~="badge"]')!).backgroundColor;
    expect(okColour).to.equal('rgb(20, 108, 46)');
    for (const [i, item] of agentParts(el, 'identity').slice(0, -1).entries()) {
      expect(rows[i], statuses[i]).to.include({ verified: false, badge: 'Niet geverifieerd' });
      expect(rows[i]!.attributes, statuses[i]).to.deep.equal([]);
      expect(item.querySelector('dl'), statuses[i]).to.equal(null);
      const badge = getComputedStyle(item.querySelector('[part~="badge"]')!);
      expect(badge.backgroundColor, statuses[i]).to.not.equal(okColour);
      expect(badge.color, statuses[i]).to.not.equal(okColour);
      expect(getComputedStyle(item).borderTopStyle, statuses[i]).to.equal('dashed');
      expect(getComputedStyle(item).borderTopColor, statuses[i]).to.not.equal(okColour);
    }
    expect(getComputedStyle(verifiedItem).borderTopStyle).to.equal('solid');
    // Nor does the element pass the attributes on.
    expect(identities().slice(0, -1).every((i) => i.attributes === undefined)).to.equal(true);
  });

  it('a verified login that is logged out loses its attributes', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el)[0]?.verified, 'verified');
    await push(ticket, identity({ status: 'logged_out' }));
    await until(() => shown(el)[0]?.status === 'logged_out', 'logged out');
    expect(shown(el)[0]).to.include({ verified: false, reason: 'uitgelogd' });
    expect(shown(el)[0]!.attributes).to.deep.equal([]);
    expect(root(el).textContent).to.not.contain(PERSON.bsn);
  });

  it('an update older than what it shows does not replace it; the latest updated_at wins', async () => {
    const ticket = newTicket();
    await push(ticket, identity({ updated_at: '2030-01-01T10:00:00Z' }));
    const { el, identities } = await mountAgent({ ticket });
    await until(() => shown(el)[0]?.verified, 'verified');
    await push(ticket, identity({ status: 'waiting', updated_at: '2030-01-01T09:00:00Z' }));
    await push(ticket, identity({ id: 'marker', status: 'waiting' }));
    await until(() => shown(el).length === 2, 'the marker');
    expect(shown(el)[0]!.verified).to.equal(true);
    // The stale one is not announced as an update either.
    expect(identities().map((i) => i.id)).to.deep.equal(['login-1', 'marker']);
    await push(ticket, identity({ status: 'logged_out', updated_at: '2030-01-01T11:00:00Z' }));
    await until(() => shown(el)[0]?.status === 'logged_out', 'the newer one');
  });

  it('shows the time of the last update in local time', async () => {
    const ticket = newTicket();
    const today = new Date();
    today.setHours(9, 5, 0, 0);
    await push(ticket, identity({ updated_at: today.toISOString() }));
    await push(ticket, identity({ id: 'old', auth_method: 'acme', updated_at: '2024-03-07T13:45:00Z' }));
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el).length === 2, 'both');
    expect(shown(el)[0]!.meta).to.equal('Yivi · bijgewerkt 09:05');
    const old = new Date('2024-03-07T13:45:00Z');
    const hhmm = `${String(old.getHours()).padStart(2, '0')}:${String(old.getMinutes()).padStart(2, '0')}`;
    // An unknown method tag is shown as it is; another day gets its date: day, month, year, then the
    // time (compared by meaning: engines' date formats differ in punctuation, `07-03-2024, 13:45` or `07-03-2024 13:45`).
    expect(shown(el)[1]!.meta).to.match(new RegExp(`^acme · bijgewerkt 0?7\\D0?3\\D2024\\D+${hhmm}$`));
    expect(agentParts(el, 'meta')[0]!.querySelector('time')!.getAttribute('datetime')).to.equal(today.toISOString());
  });

  it('announces a change of status in a polite live region', async () => {
    const ticket = newTicket();
    await push(ticket, identity({ status: 'waiting' }));
    const { el } = await mountAgent({ ticket });
    const region = root(el).querySelector('[aria-live="polite"]')!;
    await until(() => text(region) === 'Niet geverifieerd: wacht op inloggen (Yivi)', 'the first announcement');
    await push(ticket, identity());
    await until(() => text(region) === 'Geverifieerd met Yivi', 'the verification');
    expect(agentPart(el, 'status').getAttribute('role')).to.equal('status');
  });
});

describe('agent: connection', () => {
  afterEach(cleanUpAgent);

  it('reconnects after the stream drops, keeping the identities visible, and sends Last-Event-ID', async () => {
    const ticket = newTicket();
    await push(ticket, identity({ id: 'a', status: 'waiting' }));
    await push(ticket, identity({ id: 'a' }));
    const { el, errors } = await mountAgent({ ticket });
    await until(() => shown(el)[0]?.verified, 'verified');

    await endStream(ticket);
    await untilState(el, 'reconnecting');
    expect(statusOf(el)).to.equal('De verbinding is verbroken. Opnieuw verbinden…');
    expect(shown(el)[0]).to.include({ verified: true });
    expect(shown(el)[0]!.attributes).to.have.length(3);
    expect(errors()).to.deep.equal(['network']);

    await untilState(el, 'live', 4000);
    expect(statusOf(el)).to.equal('');
    const { connections, open } = await feedLog(ticket);
    expect(connections).to.deep.equal([
      { authorization: `Bearer ${ticket}`, lastEventId: null },
      { authorization: `Bearer ${ticket}`, lastEventId: '2' },
    ]);
    expect(open).to.equal(1);
    expect(shown(el)).to.have.length(1);
  });

  it('keeps trying while the backend fails, then takes the snapshot it gets as the truth', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { el, errors } = await mountAgent({ ticket });
    await until(() => shown(el)[0]?.verified, 'verified');
    await behave(ticket, { events: 503 });
    await endStream(ticket);
    await untilState(el, 'reconnecting');
    // Meanwhile the resident logged out; the stream that carried it is gone.
    await push(ticket, identity({ status: 'logged_out' }));
    await until(async () => (await feedLog(ticket)).connections.length >= 2, 'a failed retry');
    expect(shown(el)[0]!.verified).to.equal(true);
    expect(el.state).to.equal('reconnecting');

    await behave(ticket, { events: 'ok' });
    await untilState(el, 'live', 6000);
    await until(() => shown(el)[0]?.status === 'logged_out', 'the snapshot');
    // One outage, one event, however many retries.
    expect(errors()).to.deep.equal(['network']);
  });

  it('401 ticket_expired: says access expired, dispatches the event, stops', async () => {
    const ticket = newTicket();
    await behave(ticket, { refuse: 'ticket_expired' });
    const { el, errors } = await mountAgent({ ticket });
    await untilState(el, 'denied');
    expect(statusOf(el)).to.equal('Uw toegang is verlopen. Vernieuw de pagina.');
    expect(errors()).to.deep.equal(['ticket_expired']);
    await sleep(1500);
    expect((await feedLog(ticket)).connections).to.have.length(1);
  });

  it('ticket_expired on the stream: the identities go, the message shows, nothing reconnects', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { el, errors } = await mountAgent({ ticket, lang: 'en' });
    await until(() => shown(el)[0]?.verified, 'verified');
    await expireTicket(ticket);
    await untilState(el, 'denied');
    expect(statusOf(el)).to.equal('Your access has expired. Please reload the page.');
    expect(shown(el)).to.deep.equal([]);
    expect(root(el).textContent).to.not.contain(PERSON.bsn);
    expect(errors()).to.deep.equal(['ticket_expired']);
    await sleep(1500);
    expect((await feedLog(ticket)).connections).to.have.length(1);
  });

  for (const code of ['invalid_ticket', 'ticket_required'] as const) {
    it(`401 ${code}: says there is no access, dispatches invalid_ticket`, async () => {
      const ticket = newTicket();
      await behave(ticket, { refuse: code });
      const { el, errors } = await mountAgent({ ticket });
      await untilState(el, 'denied');
      expect(statusOf(el)).to.equal('U heeft geen toegang tot dit gesprek. Vernieuw de pagina.');
      expect(errors()).to.deep.equal(['invalid_ticket']);
    });
  }

  it('a new ticket reconnects with the new Bearer and shows only what that stream sends', async () => {
    const first = newTicket();
    const second = newTicket();
    await push(first, identity({ id: 'first' }));
    await push(second, identity({ id: 'second', status: 'waiting' }));
    const { el } = await mountAgent({ ticket: first });
    await until(() => shown(el).length === 1, 'the first conversation');

    el.ticket = second;
    await until(() => el.identities[0]?.id === 'second', 'the second conversation');
    expect(shown(el)).to.have.length(1);
    expect(shown(el)[0]!.verified).to.equal(false);
    expect((await feedLog(second)).connections).to.deep.equal([{ authorization: `Bearer ${second}`, lastEventId: null }]);
    await until(async () => (await feedLog(first)).open === 0, 'the first stream closed');
  });

  it('after an expired ticket, a new ticket connects again', async () => {
    const first = newTicket();
    const second = newTicket();
    await behave(first, { refuse: 'ticket_expired' });
    await push(second, identity());
    const { el } = await mountAgent({ ticket: first });
    await untilState(el, 'denied');
    el.setAttribute('ticket', second);
    await until(() => shown(el)[0]?.verified, 'the new ticket’s identity');
    expect(el.state).to.equal('live');
  });

  it('a different backend reconnects there', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { el } = await mountAgent({ ticket, backend: 'http://127.0.0.1:9' });
    await untilState(el, 'reconnecting');
    el.backend = await agentFeed();
    await until(() => shown(el)[0]?.verified, 'the identity from the right backend');
  });

  it('leaving the page closes the stream; coming back opens it again', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { el } = await mountAgent({ ticket });
    await untilState(el, 'live');
    const parent = el.parentElement!;
    el.remove();
    await until(async () => (await feedLog(ticket)).open === 0, 'the stream closed');
    parent.append(el);
    await until(async () => (await feedLog(ticket)).open === 1, 'the stream open again');
    expect(shown(el)[0]!.verified).to.equal(true);
  });
});

describe('agent: events', () => {
  afterEach(cleanUpAgent);

  it('bubble and are composed: a listener outside a shadow root hears them', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    await behave(ticket, {});
    const host = document.createElement('div');
    document.body.append(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const heard: CustomEvent[] = [];
    const listen = (e: Event) => heard.push(e as CustomEvent);
    document.addEventListener('id-contact-identity', listen);
    document.addEventListener('id-contact-agent-error', listen);
    try {
      const el = document.createElement('id-contact-agent');
      el.backend = await agentFeed();
      el.ticket = ticket;
      shadow.append(el);
      await until(() => heard.length === 1, 'the identity event');
      await expireTicket(ticket);
      await until(() => heard.length === 2, 'the error event');
      expect(heard.map((e) => [e.type, e.bubbles, e.composed])).to.deep.equal([
        ['id-contact-identity', true, true],
        ['id-contact-agent-error', true, true],
      ]);
      expect(heard[0]!.detail.identity.attributes).to.deep.equal(PERSON);
      expect(heard[1]!.detail).to.deep.equal({ code: 'ticket_expired' });
      // What a listener does with the detail does not change what is shown.
      heard[0]!.detail.identity.status = 'forgotten';
    } finally {
      document.removeEventListener('id-contact-identity', listen);
      document.removeEventListener('id-contact-agent-error', listen);
      host.remove();
    }
  });
});
