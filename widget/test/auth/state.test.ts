import { expect } from '@open-wc/testing';
import { AT_REST, BACK, FINAL, Machine, TABLE, next, type Input, type StateName } from '../../src/auth/state.js';

const method = { tag: 'irma', name: 'Yivi', image_url: 'https://core.example/irma.svg' };
const session = { session_id: 's1', launch_url: 'https://idc.example/launch/s1', launch_token: 't', events_url: 'https://idc.example/e?token=t' };

function recorder() {
  const seen: StateName[] = [];
  const machine = new Machine((state) => seen.push(state));
  return { machine, seen };
}

describe('state table', () => {
  it('every target is a state in the table, or the way back', () => {
    for (const row of Object.values(TABLE)) {
      for (const target of Object.values(row)) if (target !== BACK) expect(TABLE).to.have.property(target as string);
    }
  });

  it('final states accept no session input: only starting over (the chooser or the same method), logging out, or a request', () => {
    for (const state of FINAL) {
      expect(Object.keys(TABLE[state]).filter((input) => !['load', 'logout', 'choose', 'request'].includes(input))).to.deep.equal([]);
    }
    expect(next('failed', 'choose')).to.equal('starting');
    expect(next('success', 'choose')).to.equal(undefined);
    expect(next('success', 'logout')).to.equal('loggedOut');
    expect(next('loggedOut', 'load')).to.equal('loading');
  });

  it('a chat link attaches, then waits like any session; a refused link is an error', () => {
    const { machine, seen } = recorder();
    machine.send({ type: 'attach' });
    machine.send({ type: 'started', session: { session_id: 's2', events_url: 'https://idc.example/e?token=u' }, via: 'chat' });
    machine.send({ type: 'succeeded', attributes: { email: 'a@b.nl' }, logout: true });
    expect(machine.ctx.logout).to.equal(true);
    machine.send({ type: 'logout', sessionId: 's2' });
    expect(seen).to.deep.equal(['attaching', 'waiting', 'success', 'loggedOut']);
    // Logged out: the attributes are gone from the widget.
    expect(machine.ctx).to.deep.equal({ methods: [] });
    expect(next('attaching', 'fail')).to.equal('error');
    expect(next('attaching', 'cancel')).to.equal(undefined);
  });

  it('runs the popup flow from idle to success, carrying the data along', () => {
    const { machine, seen } = recorder();
    const inputs: Input[] = [
      { type: 'load' },
      { type: 'options', methods: [method] },
      { type: 'choose', method },
      { type: 'started', session, via: 'popup' },
      { type: 'lost' },
      { type: 'live' },
      { type: 'succeeded', attributes: { email: 'a@b.nl' } },
    ];
    for (const input of inputs) expect(machine.send(input), input.type).to.equal(true);
    expect(seen).to.deep.equal(['loading', 'choosing', 'starting', 'waiting', 'reconnecting', 'waiting', 'success']);
    expect(machine.ctx.session).to.equal(session);
    expect(machine.ctx.method).to.equal(method);
    expect(machine.ctx.attributes).to.deep.equal({ email: 'a@b.nl' });
  });

  it('ignores inputs the current state does not list, without notifying', () => {
    const { machine, seen } = recorder();
    expect(machine.send({ type: 'succeeded', attributes: {} })).to.equal(false);
    expect(machine.send({ type: 'cancel' })).to.equal(false);
    expect(machine.state).to.equal('idle');
    expect(seen).to.deep.equal([]);
  });

  it('sends an empty method list to the empty state and errors to error', () => {
    expect(next('loading', 'noOptions')).to.equal('empty');
    expect(next('loading', 'fail')).to.equal('error');
    expect(next('empty', 'load')).to.equal('loading');
  });

  it('cancel returns to the chooser and forgets the session, keeping the methods', () => {
    const { machine } = recorder();
    machine.send({ type: 'load' });
    machine.send({ type: 'options', methods: [method] });
    machine.send({ type: 'choose', method });
    machine.send({ type: 'started', session, via: 'popup' });
    machine.send({ type: 'cancel' });
    expect(machine.state).to.equal('choosing');
    expect(machine.ctx).to.deep.equal({ methods: [method] });
  });

  it('a blocked popup can go on in a tab or by redirect', () => {
    expect(next('blocked', 'started')).to.equal('waiting');
    expect(next('blocked', 'redirect')).to.equal('redirecting');
  });

  it('a failure keeps its code and message; a new load clears them', () => {
    const { machine } = recorder();
    machine.send({ type: 'load' });
    machine.send({ type: 'fail', error: { code: 'network', message: 'down' } });
    expect(machine.state).to.equal('error');
    expect(machine.ctx.error).to.deep.equal({ code: 'network', message: 'down' });
    machine.send({ type: 'load' });
    expect(machine.ctx.error).to.equal(undefined);
  });

  it('a login session restored after a reload: checked, then signed in without attributes; Logout or gone', () => {
    const { machine, seen } = recorder();
    const kept = { session_id: 's3', events_url: 'https://idc.example/e?token=v' };
    expect(machine.send({ type: 'restore', session: kept, logout: true })).to.equal(true);
    expect(machine.send({ type: 'restored' })).to.equal(true);
    expect(machine.ctx).to.deep.equal({ methods: [], session: kept, logout: true });
    expect(machine.send({ type: 'logout', sessionId: 's3' })).to.equal(true);
    expect(seen).to.deep.equal(['restoring', 'signedIn', 'loggedOut']);
    expect(machine.ctx).to.deep.equal({ methods: [] });
    // The backend no longer has it: to the chooser, not an error.
    expect(next('restoring', 'gone')).to.equal('loading');
    expect(next('signedIn', 'gone')).to.equal('loading');
    // success keeps showing what was verified; only idle restores.
    expect(next('success', 'gone')).to.equal(undefined);
    expect(next('choosing', 'restore')).to.equal(undefined);
  });

  it('a session picked up after a reload goes straight to waiting', () => {
    const { machine } = recorder();
    expect(machine.send({ type: 'resume', session, via: 'redirect' })).to.equal(true);
    expect(machine.state).to.equal('waiting');
    expect(machine.ctx.via).to.equal('redirect');
  });

  describe('an employee’s request', () => {
    const request = {
      id: 'r1',
      purpose: 'report_move',
      status: 'pending' as const,
      expires_at: '2030-01-01T00:00:00Z',
      updated_at: '2030-01-01T00:00:00Z',
    };
    const digid = { tag: 'digid', name: 'DigiD', image_url: 'https://core.example/digid.svg' };

    it('is shown only while no login runs', () => {
      expect([...AT_REST].sort()).to.deep.equal(
        ['choosing', 'empty', 'error', 'expired', 'failed', 'loggedOut', 'requested', 'signedIn', 'success'].sort(),
      );
      for (const busy of ['idle', 'loading', 'starting', 'blocked', 'redirecting', 'waiting', 'reconnecting', 'closed'] as const) {
        expect(next(busy, 'request'), busy).to.equal(undefined);
      }
    });

    it('goes back to what was shown before, with what it showed, when it ends or is declined', () => {
      const { machine, seen } = recorder();
      machine.send({ type: 'resume', session, via: 'popup' });
      machine.send({ type: 'succeeded', attributes: { email: 'a@b.nl' } });
      expect(machine.send({ type: 'request', request, requestMethods: [digid] })).to.equal(true);
      expect(machine.ctx.request).to.equal(request);
      expect(machine.ctx.requestMethods).to.deep.equal([digid]);
      expect(machine.send({ type: 'requestEnded' })).to.equal(true);
      expect(seen).to.deep.equal(['waiting', 'success', 'requested', 'success']);
      expect(machine.ctx.attributes).to.deep.equal({ email: 'a@b.nl' });
      expect(machine.ctx.request).to.equal(undefined);
      expect(machine.ctx.requestMethods).to.equal(undefined);

      // An error keeps its message under a request, and a newer request replaces the first without losing the way back.
      machine.send({ type: 'logout', sessionId: 's1' });
      machine.send({ type: 'load' });
      machine.send({ type: 'fail', error: { code: 'network', message: 'down' } });
      machine.send({ type: 'request', request, requestMethods: [] });
      machine.send({ type: 'request', request: { ...request, id: 'r2' }, requestMethods: [] });
      expect(machine.ctx.request?.id).to.equal('r2');
      expect(machine.send({ type: 'decline' })).to.equal(true);
      expect(machine.state).to.equal('error');
      expect(machine.ctx.error).to.deep.equal({ code: 'network', message: 'down' });
    });

    it('choosing a method starts a login for the request’s purpose', () => {
      const { machine } = recorder();
      machine.send({ type: 'load' });
      machine.send({ type: 'options', methods: [method] });
      machine.send({ type: 'request', request: { ...request, purpose: 'other' }, requestMethods: [digid] });
      expect(machine.send({ type: 'choose', method: digid, purpose: 'other' })).to.equal(true);
      expect(machine.state).to.equal('starting');
      expect(machine.ctx).to.deep.include({ method: digid, purpose: 'other', methods: [method] });
      expect(machine.ctx.request).to.equal(undefined);
      // A login's end is not the request's: nothing goes back.
      expect(next('starting', 'requestEnded')).to.equal(undefined);
      // Starting over forgets the request's purpose.
      machine.send({ type: 'cancel' });
      expect(machine.ctx.purpose).to.equal(undefined);
    });
  });
});
