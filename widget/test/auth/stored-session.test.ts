/**
 * What the widget takes back out of sessionStorage after a reload. Any script
 * on the page can write there, so a stored session is checked as a fresh
 * answer from the backend is: web URLs only, the event stream on the
 * backend's own origin. A record that fails is dropped and the widget starts
 * afresh, without an error: the resident did nothing wrong.
 */
import { expect } from '@open-wc/testing';
import { cleanUp, coreMode, mount, stack, waitForState } from '../support/browser.js';

const PURPOSE = 'report_move';
const key = (backend: string) => `id-contact-auth ${backend} ${PURPOSE}`;

const records = () => Object.keys(sessionStorage).filter((k) => k.startsWith('id-contact-auth'));

interface BadRecord {
  what: string;
  record: (urls: { backend: string; elsewhere: string }) => unknown;
}

const stream = (origin: string) => `${origin}/sessions/s1/events?token=t`;

const BAD_RECORDS: BadRecord[] = [
  {
    what: 'a login under way whose launch_url is javascript:',
    record: ({ backend }) => ({
      session: { session_id: 's1', launch_url: 'javascript:window.__idcPwned=3', launch_token: 't', events_url: stream(backend) },
      via: 'popup',
    }),
  },
  {
    what: 'a login under way whose events_url is on another origin',
    record: ({ backend, elsewhere }) => ({
      session: { session_id: 's1', launch_url: `${backend}/launch/s1`, launch_token: 't', events_url: stream(elsewhere) },
      via: 'popup',
    }),
  },
  {
    what: 'a login under way whose launch_url is on another origin (its token would go there)',
    record: ({ backend, elsewhere }) => ({
      session: { session_id: 's1', launch_url: `${elsewhere}/launch/s1`, launch_token: 't', events_url: stream(backend) },
      via: 'popup',
    }),
  },
  {
    what: 'a chat-link session whose events_url is on another origin',
    record: ({ elsewhere }) => ({ session: { session_id: 's1', events_url: stream(elsewhere) }, via: 'chat' }),
  },
  {
    what: 'a chat-link session whose events_url is not a web URL',
    record: () => ({ session: { session_id: 's1', events_url: 'javascript:window.__idcPwned=4' }, via: 'chat' }),
  },
  {
    what: 'a signed-in login whose events_url is on another origin',
    record: ({ backend, elsewhere }) => ({ signedIn: true, backend, session: { session_id: 's1', events_url: stream(elsewhere) } }),
  },
];

describe('a session restored from sessionStorage', () => {
  afterEach(cleanUp);

  for (const { what, record } of BAD_RECORDS) {
    it(`${what}: not used, removed, and the widget starts afresh without an error`, async () => {
      const { backend, core } = await stack();
      // The core, on its own origin, stands in for wherever an attacker would have the stream go.
      sessionStorage.setItem(key(backend), JSON.stringify(record({ backend, elsewhere: core })));
      const errors: unknown[] = [];
      const onError = (e: Event) => errors.push((e as CustomEvent).detail);
      document.addEventListener('id-contact-error', onError);
      try {
        // The core holds the methods back, so the widget stays in `loading`:
        // the record must be gone already then, not only once the chooser shows.
        await coreMode('hang');
        const { el, states } = await mount();
        expect(el.state).to.equal('loading');
        expect(records()).to.deep.equal([]);

        await coreMode('up');
        await waitForState(el, 'choosing');
        expect(states).to.deep.equal(['loading', 'choosing']);
        expect(errors).to.deep.equal([]);
        expect((window as { __idcPwned?: unknown }).__idcPwned).to.equal(undefined);
      } finally {
        document.removeEventListener('id-contact-error', onError);
      }
    });
  }

  it('a sound record of a login under way is still resumed', async () => {
    const { backend } = await stack();
    const session = { session_id: 's1', launch_url: `${backend}/launch/s1`, launch_token: 't', events_url: stream(backend) };
    sessionStorage.setItem(key(backend), JSON.stringify({ session, via: 'popup' }));
    const { states } = await mount();
    // The backend does not know s1, so the stream fails later; what matters is that it was taken up.
    expect(states[0]).to.equal('waiting');
    expect(records()).to.have.length(1);
  });
});
