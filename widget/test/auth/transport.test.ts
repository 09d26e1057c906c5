/** The transport alone, against the real backend (no mocked fetch). */
import { expect } from '@open-wc/testing';
import { createSession, endpoint, fetchOptions, parseResult, parseStatus, TransportError, watchSession } from '../../src/auth/transport.js';
import { parseCurrentRequest } from '../../src/auth/request-channel.js';
import { cleanUp, stack } from '../support/browser.js';

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (e) {
    expect(e).to.be.instanceOf(TransportError);
    return e as TransportError;
  }
  throw new Error('expected a rejection');
}

describe('transport', () => {
  afterEach(cleanUp);

  it('resolves endpoints under the backend URL, keeping a path prefix', () => {
    expect(endpoint('https://idc.example', 'sessions')).to.equal('https://idc.example/sessions');
    expect(endpoint('https://x.example/idc', 'sessions')).to.equal('https://x.example/idc/sessions');
    expect(endpoint('https://x.example/idc/', 'session_options/a%2Fb')).to.equal('https://x.example/idc/session_options/a%2Fb');
  });

  it('fetches the methods of a purpose', async () => {
    const methods = await fetchOptions((await stack()).backend, 'report_move');
    expect(methods.map((m) => m.tag)).to.deep.equal(['irma', 'digid']);
  });

  it('turns backend errors into their code and message', async () => {
    const error = await rejection(fetchOptions((await stack()).backend, 'no_such_purpose'));
    expect(error.code).to.equal('unknown_purpose');
    expect(error.message).to.contain('no_such_purpose');
  });

  it('reports an unreachable backend as network', async () => {
    expect((await rejection(fetchOptions('http://127.0.0.1:9', 'report_move'))).code).to.equal('network');
  });

  it('passes the backend’s refusal of a return_url on', async () => {
    const error = await rejection(
      createSession((await stack()).backend, { purpose: 'report_move', auth_method: 'irma', return_url: 'https://evil.example/' }),
    );
    expect(error.code).to.equal('invalid_request');
  });

  it('creates a session whose launch is on the backend (never the core’s client_url)', async () => {
    const { backend } = await stack();
    const session = await createSession(backend, { purpose: 'report_move', auth_method: 'irma' });
    expect(session.launch_url).to.equal(`${backend}/launch/${session.session_id}`);
    expect(session.launch_token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(session).not.to.have.property('client_url');
    expect(session.events_url).to.contain('token=');
  });

  it('refuses a session whose stream is not on the backend’s own origin', async () => {
    // The same backend reached as localhost: its answer's events_url names 127.0.0.1, another origin.
    const backend = (await stack()).backend.replace('//127.0.0.1:', '//localhost:');
    const error = await rejection(createSession(backend, { purpose: 'report_move', auth_method: 'irma' }));
    expect(error.code).to.equal('bad_response');
  });

  it('reads result events and refuses anything else', () => {
    expect(parseResult('{"status":"succes","attributes":{"a":"b"}}')).to.deep.equal({ status: 'succes', attributes: { a: 'b' }, logout: false });
    expect(parseResult('{"status":"failed"}')).to.deep.equal({ status: 'failed' });
    expect(parseResult('{"status":"succes","attributes":{},"logout":true}')).to.deep.equal({ status: 'succes', attributes: {}, logout: true });
    expect(parseResult('{"status":"succes","attributes":{},"logout":"yes"}')).to.deep.equal({ status: 'succes', attributes: {}, logout: false });
    expect(parseResult('{"status":"success","attributes":{}}')).to.equal(undefined);
    expect(parseResult('{"status":"succes","attributes":{"a":1}}')).to.equal(undefined);
    expect(parseResult('{"status":"succes"}')).to.equal(undefined);
    expect(parseResult('not json')).to.equal(undefined);
  });

  it('reads the session status as the stream would say it, and refuses anything else', () => {
    expect(parseStatus({ state: 'waiting' })).to.deep.equal({ state: 'waiting' });
    expect(parseStatus({ state: 'expired' })).to.deep.equal({ state: 'expired' });
    expect(parseStatus({ state: 'result', result: { status: 'failed', reason: 'other_browser' } })).to.deep.equal({
      state: 'result',
      result: { status: 'failed', reason: 'other_browser' },
    });
    expect(parseStatus({ state: 'result', result: { status: 'succes', attributes: { a: 1 } } })).to.equal(undefined);
    expect(parseStatus({ state: 'result' })).to.equal(undefined);
    expect(parseStatus({ state: 'done' })).to.equal(undefined);
    expect(parseStatus(null)).to.equal(undefined);
  });

  it('reads a request event, keeping only what the widget uses', () => {
    const request = { id: 'r', purpose: 'p', status: 'pending', expires_at: 'e', updated_at: 'u' };
    expect(parseCurrentRequest({ request: null })).to.deep.equal({ request: null });
    expect(parseCurrentRequest({ request: { ...request, purpose_name: 'Verhuizing', identity_id: 'x', extra: 1 } })).to.deep.equal({
      request: { ...request, purpose_name: 'Verhuizing' },
    });
    expect(parseCurrentRequest({ request: { ...request, status: 'maybe' } })).to.equal(undefined);
    expect(parseCurrentRequest({ request: { ...request, id: 1 } })).to.equal(undefined);
    expect(parseCurrentRequest({})).to.equal(undefined);
  });

  it('a stream that cannot be opened is retried with backoff, then given up', async () => {
    const url = `${(await stack()).backend}/sessions/unknown/events?token=x`;
    const seen: string[] = [];
    const reason = await new Promise<TransportError>((resolve) =>
      watchSession(
        url,
        {
          live: () => seen.push('live'),
          lost: () => seen.push('lost'),
          result: () => seen.push('result'),
          expired: () => seen.push('expired'),
          giveUp: resolve,
        },
        { delays: [10, 20] },
      ),
    );
    // The first try and the two retries each failed once.
    expect(seen).to.deep.equal(['lost', 'lost', 'lost']);
    expect(reason.code).to.equal('stream');
  });

  it('stops following when asked', async () => {
    const session = await createSession((await stack()).backend, { purpose: 'report_move', auth_method: 'irma' });
    const seen: string[] = [];
    const stop = watchSession(session.events_url, {
      live: () => seen.push('live'),
      lost: () => seen.push('lost'),
      result: () => seen.push('result'),
      expired: () => seen.push('expired'),
      giveUp: () => seen.push('giveUp'),
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen[0]).to.equal('live');
    stop();
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.length).to.equal(count);
  });
});
