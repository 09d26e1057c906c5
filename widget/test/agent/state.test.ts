/** `<id-contact-agent>`'s state table, its merge rule, identity parsing and strings. */
import { expect } from '@open-wc/testing';
import { AGENT_STRINGS, agentStringsFor, purposeLabel } from '../../src/agent/i18n.js';
import { AgentMachine, merge, mergeRequest, TABLE, type AgentInput } from '../../src/agent/state.js';
import { parseIdentity, parseRequest } from '../../src/agent/transport.js';
import type { Identity, VerificationRequest } from '../../src/shared/wire.js';

const login = (overrides: Partial<Identity> = {}): Identity => ({
  id: 'a',
  purpose: 'p',
  auth_method: 'irma',
  status: 'waiting',
  updated_at: '2030-01-01T10:00:00Z',
  ...overrides,
});

const req = (overrides: Partial<VerificationRequest> = {}): VerificationRequest => ({
  id: 'r1',
  purpose: 'report_move',
  status: 'pending',
  expires_at: '2030-01-01T10:05:00Z',
  updated_at: '2030-01-01T10:00:00Z',
  ...overrides,
});

function recorder() {
  const seen: string[] = [];
  const machine = new AgentMachine(() => seen.push(`${machine.feed}/${machine.forget}`));
  return { machine, seen };
}

describe('agent state table', () => {
  it('every target is a state of its region', () => {
    for (const region of Object.values(TABLE)) {
      for (const row of Object.values(region)) {
        for (const target of Object.values(row)) expect(region).to.have.property(target as string);
      }
    }
  });

  it('connects, goes live, loses and regains the stream keeping what it showed', () => {
    const { machine, seen } = recorder();
    machine.send({ type: 'connect' });
    machine.send({ type: 'open' });
    machine.send({ type: 'identity', identity: login({ status: 'verified', attributes: { bsn: '1' } }) });
    machine.send({ type: 'lost' });
    expect(machine.ctx.identities).to.have.length(1);
    machine.send({ type: 'lost' });
    machine.send({ type: 'open' });
    expect(seen).to.deep.equal(['connecting/idle', 'live/idle', 'live/idle', 'reconnecting/idle', 'reconnecting/idle', 'live/idle']);
    expect(machine.ctx.identities[0]!.status).to.equal('verified');
  });

  it('a refusal clears what was shown, resets Forget, and ends everything', () => {
    const { machine } = recorder();
    const inputs: AgentInput[] = [{ type: 'connect' }, { type: 'open' }, { type: 'identity', identity: login() }, { type: 'ask' }];
    inputs.forEach((input) => machine.send(input));
    expect(machine.forget).to.equal('confirming');
    machine.send({ type: 'deny', code: 'ticket_expired' });
    expect([machine.feed, machine.forget]).to.deep.equal(['denied', 'idle']);
    expect(machine.ctx).to.deep.equal({ identities: [], request: null, denied: 'ticket_expired' });
    for (const type of ['open', 'lost', 'connect'] as const) expect(machine.send({ type }), type).to.equal(false);
    expect(machine.send({ type: 'identity', identity: login() })).to.equal(false);
  });

  it('Forget asks, then deletes; a late or double answer is ignored', () => {
    const { machine } = recorder();
    expect(machine.send({ type: 'confirm' })).to.equal(false);
    machine.send({ type: 'ask' });
    machine.send({ type: 'confirm' });
    expect(machine.send({ type: 'confirm' })).to.equal(false);
    expect(machine.forget).to.equal('deleting');
    machine.send({ type: 'forgetFailed' });
    expect(machine.forget).to.equal('failed');
    expect(machine.send({ type: 'forgot' })).to.equal(false);
    machine.send({ type: 'ask' });
    machine.send({ type: 'cancel' });
    expect(machine.forget).to.equal('idle');
  });

  it('asking: one at a time, refused while a request is pending, free again once it is settled or lapses', () => {
    const { machine } = recorder();
    machine.send({ type: 'connect' });
    machine.send({ type: 'open' });
    expect(machine.send({ type: 'askVerify', purpose: 'report_move' })).to.equal(true);
    expect(machine.send({ type: 'askVerify', purpose: 'report_move' })).to.equal(false);
    machine.send({ type: 'askFailed', error: 'rate_limited' });
    expect([machine.ask, machine.ctx.askError]).to.deep.equal(['failed', 'rate_limited']);
    machine.send({ type: 'askVerify', purpose: 'report_move' });
    expect(machine.ctx.askError).to.equal(undefined);
    machine.send({ type: 'asked', request: req() });
    expect(machine.ask).to.equal('waiting');
    expect(machine.send({ type: 'askVerify', purpose: 'report_move' })).to.equal(false);
    // The stream's copy of the same version changes nothing.
    const shown = machine.ctx.request;
    machine.send({ type: 'pending', request: req() });
    expect(machine.ctx.request).to.equal(shown);
    machine.send({ type: 'settled', request: req({ status: 'declined', updated_at: '2030-01-01T10:01:00Z' }) });
    expect([machine.ask, machine.ctx.request!.status]).to.deep.equal(['idle', 'declined']);
    // A new request from elsewhere (another console) blocks asking too; it lapses at its time.
    machine.send({ type: 'pending', request: req({ id: 'r2' }) });
    expect(machine.ask).to.equal('waiting');
    machine.send({ type: 'lapse', id: 'r2' });
    expect([machine.ask, machine.ctx.request!.status]).to.deep.equal(['idle', 'expired']);
  });

  it('merges requests: a new id replaces, an older version of the same is ignored, null clears', () => {
    const pending = req();
    expect(mergeRequest(null, pending)).to.equal(pending);
    const started = req({ status: 'started', identity_id: 'a', updated_at: '2030-01-01T10:01:00Z' });
    expect(mergeRequest(started, pending)).to.equal(started);
    expect(mergeRequest(pending, started)).to.equal(started);
    const other = req({ id: 'r2', updated_at: '2029-01-01T00:00:00Z' });
    expect(mergeRequest(started, other)).to.equal(other);
    expect(mergeRequest(started, null)).to.equal(null);
  });

  it('merges by id: new ones at the end, the later updated_at wins, a tie goes to the later event', () => {
    const a = login();
    const b = login({ id: 'b' });
    let list = merge(merge([], a), b);
    expect(list.map((i) => i.id)).to.deep.equal(['a', 'b']);
    const older = login({ status: 'verified', updated_at: '2030-01-01T09:00:00Z' });
    expect(merge(list, older)).to.equal(list);
    list = merge(list, login({ status: 'failed' }));
    expect(list.map((i) => [i.id, i.status])).to.deep.equal([
      ['a', 'failed'],
      ['b', 'waiting'],
    ]);
    // An unreadable time never blocks an update.
    expect(merge(list, login({ status: 'expired', updated_at: 'garbage' }))[0]!.status).to.equal('expired');
  });
});

describe('agent identity events', () => {
  it('keeps attributes only while verified, and only strings', () => {
    const data = (v: object) => JSON.stringify({ ...login(), ...v });
    expect(parseIdentity(data({ status: 'verified', attributes: { bsn: '1', n: 2, o: {} } }))!.attributes).to.deep.equal({ bsn: '1' });
    expect(parseIdentity(data({ status: 'logged_out', attributes: { bsn: '1' } }))).to.not.have.property('attributes');
  });

  it('keeps the core’s name for the purpose when it is a string', () => {
    expect(parseIdentity(JSON.stringify({ ...login(), purpose_name: 'Verhuizing' }))!.purpose_name).to.equal('Verhuizing');
    expect(parseIdentity(JSON.stringify({ ...login(), purpose_name: 5 }))).to.not.have.property('purpose_name');
  });

  it('refuses what is not an identity; keeps an unknown status as it came', () => {
    expect(parseIdentity('not json')).to.equal(undefined);
    expect(parseIdentity('null')).to.equal(undefined);
    expect(parseIdentity(JSON.stringify({ status: 'verified' }))).to.equal(undefined);
    expect(parseIdentity(JSON.stringify({ ...login(), status: 'suspended' }))!.status).to.equal('suspended');
  });
});

describe('agent request events', () => {
  it('takes a request or null; refuses what is not one, or a status it does not know', () => {
    expect(parseRequest(JSON.stringify({ request: null }))).to.deep.equal({ request: null });
    const full = req({ purpose_name: 'Verhuizing', status: 'started', identity_id: 'a' });
    expect(parseRequest(JSON.stringify({ request: { ...full, extra: 1 } }))).to.deep.equal({ request: full });
    expect(parseRequest('not json')).to.equal(undefined);
    expect(parseRequest('{}')).to.equal(undefined);
    expect(parseRequest(JSON.stringify({ request: { ...req(), status: 'paused' } }))).to.equal(undefined);
    expect(parseRequest(JSON.stringify({ request: { ...req(), expires_at: 5 } }))).to.equal(undefined);
  });
});

describe('agent purposes in plain words', () => {
  const labels = { a: { nl: 'Verhuizing', en: 'Moving' }, b: 'Paspoort', c: { nl: 'Alleen Nederlands' } };
  it('the core’s name first, then the page’s label in the language (or the other), then the tag', () => {
    expect(purposeLabel('a', 'nl', labels, 'Naam van de core')).to.equal('Naam van de core');
    expect(purposeLabel('a', 'nl', labels)).to.equal('Verhuizing');
    expect(purposeLabel('a', 'en', labels)).to.equal('Moving');
    expect(purposeLabel('b', 'en', labels)).to.equal('Paspoort');
    expect(purposeLabel('c', 'en', labels)).to.equal('Alleen Nederlands');
    expect(purposeLabel('d', 'en', labels)).to.equal('d');
    expect(purposeLabel('toString', 'nl', labels)).to.equal('toString');
    expect(purposeLabel('a', 'nl')).to.equal('a');
  });
});

describe('agent strings', () => {
  it('Dutch and English have the same keys, none empty', () => {
    expect(Object.keys(AGENT_STRINGS.nl).sort()).to.deep.equal(Object.keys(AGENT_STRINGS.en).sort());
    for (const lang of ['nl', 'en'] as const) {
      for (const [key, value] of Object.entries(AGENT_STRINGS[lang])) expect(value, `${lang}.${key}`).to.not.equal('');
    }
  });

  it('overrides apply per language: strings, labels (shared with the resident widget) and method names', () => {
    const overrides = { en: { heading: 'Caller', labels: { bsn: 'BSN no.' }, methodNames: { digid: 'DigiD app' } } };
    const en = agentStringsFor('en', overrides);
    expect([en.text.heading, en.labels['bsn'], en.labels['email'], en.methods['digid'], en.methods['irma']]).to.deep.equal([
      'Caller',
      'BSN no.',
      'Email address',
      'DigiD app',
      'Yivi',
    ]);
    expect(en.text).to.not.have.property('methodNames');
    const nl = agentStringsFor('nl', overrides);
    expect([nl.text.heading, nl.labels['bsn'], nl.methods['digid']]).to.deep.equal(['Inwoner in dit gesprek', 'BSN', 'DigiD']);
  });
});
