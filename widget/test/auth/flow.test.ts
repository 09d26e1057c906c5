/**
 * The whole flow in Chromium against the real backend, stand-in core and test
 * auth plugin (started by the wtr stack plugin). Logins are completed by
 * clicking the auth plugin's own login page, wherever the widget opened it.
 */
import { expect } from '@open-wc/testing';
import type { IdContactAuth } from '../../src/id-contact-auth.js';
import {
  button,
  cleanUp,
  closePopups,
  coreMode,
  dropConnections,
  login,
  methodButton,
  mount,
  openPages,
  part,
  parts,
  press,
  stack,
  statusText,
  waitForState,
} from '../support/browser.js';

function nextEvent<T>(el: IdContactAuth, type: string): Promise<CustomEvent<T>> {
  return new Promise((resolve) => document.addEventListener(type, (e) => resolve(e as CustomEvent<T>), { once: true }));
}

/** Waits until no open page is on one of these origins. */
async function popupGone(...origins: string[]) {
  const open = async () => (await openPages()).filter((url) => origins.some((o) => url.startsWith(o)));
  const deadline = Date.now() + 5000;
  while ((await open()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(await open()).to.deep.equal([]);
}

async function startPopupLogin(el: IdContactAuth) {
  await waitForState(el, 'choosing');
  await press(methodButton(el, 'irma'));
  await waitForState(el, 'waiting');
}

/** Waits until a window shows a page whose URL starts with `prefix`. */
async function pageOpen(prefix: string) {
  const deadline = Date.now() + 5000;
  while (!(await openPages()).some((url) => url.startsWith(prefix)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(await openPages()).to.satisfy((urls: string[]) => urls.some((url) => url.startsWith(prefix)), prefix);
}

/** Waits until the login window shows the auth plugin's page (it shows ours until then). */
const loginPageOpen = async () => pageOpen(`${(await stack()).plugin}/login/`);

/** The console warnings while `run` runs. */
async function captureWarnings(run: () => Promise<void>): Promise<string[]> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    await run();
  } finally {
    console.warn = original;
  }
  return warnings;
}

describe('flow against the real backend', () => {
  afterEach(cleanUp);

  it('shows the purpose’s methods as buttons with icon and name', async () => {
    const { el, states } = await mount();
    await waitForState(el, 'choosing');
    const buttons = parts<HTMLButtonElement>(el, 'method');
    expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal(['Yivi', 'DigiD']);
    expect(buttons.every((b) => b.tagName === 'BUTTON')).to.equal(true);
    const icon = part<HTMLImageElement>(el, 'method-icon');
    expect(icon.src).to.equal(`${(await stack()).core}/static/irma.svg`);
    expect(icon.alt).to.equal('');
    expect(states).to.deep.equal(['loading', 'choosing']);
    expect(statusText(el)).to.equal('Kies hoe u wilt inloggen.');
    // Before the choice: what is shared, and with whom.
    expect(part(el, 'intro').textContent).to.equal(
      'Na het inloggen ziet de medewerker van de gemeente de gegevens die nodig zijn voor uw vraag.',
    );
  });

  it('logs in through a popup and shows the verified attributes', async () => {
    const { el, states } = await mount();
    const authenticated = nextEvent<{ sessionId: string; attributes: Record<string, string> }>(el, 'id-contact-authenticated');
    await startPopupLogin(el);
    expect(statusText(el)).to.equal('Rond het inloggen af in het andere venster.');
    const { plugin, backend } = await stack();
    await loginPageOpen();

    await login('succes');
    await waitForState(el, 'success');
    expect(statusText(el)).to.equal('U bent ingelogd.');
    // Screen readers hear the details with the headline, not only the headline.
    const announced = part(el, 'status').textContent!.replace(/\s+/g, ' ');
    expect(announced).to.contain('BSN: 999993653.').and.contain('Volledige naam: Sanne de Vries.');
    const labels = parts(el, 'attribute-label').map((dt) => dt.textContent);
    const values = parts(el, 'attribute-value').map((dd) => dd.textContent);
    expect(labels).to.deep.equal(['BSN', 'Volledige naam', 'E-mailadres', 'shoe_size', 'remark']);
    expect(values.slice(0, 4)).to.deep.equal(['999993653', 'Sanne de Vries', 'sanne@example.nl', '42']);

    const { detail } = await authenticated;
    expect(detail.sessionId).to.be.a('string').and.not.equal('');
    expect(detail.attributes).to.include({ bsn: '999993653', fullname: 'Sanne de Vries' });
    expect(states).to.deep.equal(['loading', 'choosing', 'starting', 'waiting', 'success']);

    // The backend's return page closed the popup itself.
    await popupGone(backend, plugin);
  });

  it('renders attribute values as text, never as markup', async () => {
    const { el } = await mount();
    await startPopupLogin(el);
    await login('succes');
    await waitForState(el, 'success');
    const remark = parts(el, 'attribute-value')[4]!;
    expect(remark.textContent).to.equal('<b>not bold</b><img src=x onerror="window.__idcPwned=2">');
    expect(remark.children.length).to.equal(0);
    expect((window as { __idcPwned?: number }).__idcPwned).to.equal(undefined);
  });

  it('says so when the login failed: try again with the same method first, another one second', async () => {
    const { el } = await mount();
    const failed = nextEvent<{ sessionId: string }>(el, 'id-contact-failed');
    await startPopupLogin(el);
    await login('failed');
    await waitForState(el, 'failed');
    expect(statusText(el)).to.equal('Inloggen is niet gelukt. Probeer het opnieuw, of kies een andere manier om in te loggen.');
    expect((await failed).detail.sessionId).to.be.a('string').and.not.equal('');
    expect(parts(el, 'button').map((b) => b.textContent!.trim())).to.deep.equal(['Opnieuw proberen', 'Andere manier kiezen']);
    await press(button(el, 'Opnieuw proberen'));
    await waitForState(el, 'waiting');
    await login('succes');
    await waitForState(el, 'success');
  });

  it('says so when the session expired; another method goes to the chooser', async () => {
    const { el } = await mount({ backend: (await stack()).shortBackend });
    await startPopupLogin(el);
    await waitForState(el, 'expired', 6000);
    expect(statusText(el)).to.equal('Het inloggen duurde te lang. Probeer het opnieuw.');
    expect(parts(el, 'button').map((b) => b.textContent!.trim())).to.deep.equal(['Opnieuw proberen', 'Andere manier kiezen']);
    button(el, 'Andere manier kiezen').click();
    await waitForState(el, 'choosing');
  });

  it('says what is going on, in the widget’s language, in the login window while the core is asked', async () => {
    let opened: Window | null = null;
    const open = window.open.bind(window);
    window.open = (...args: Parameters<typeof window.open>) => (opened = open(...args));
    try {
      const { el } = await mount({ lang: 'en' });
      await waitForState(el, 'choosing');
      await coreMode('hang');
      await press(methodButton(el, 'irma'));
      await waitForState(el, 'starting');
      const doc = (opened as Window | null)!.document;
      expect(doc.documentElement.lang).to.equal('en');
      expect(doc.body.textContent).to.equal('Starting the login with Yivi…');
      await coreMode('up');
      await waitForState(el, 'waiting');
      await loginPageOpen();
    } finally {
      window.open = open;
    }
  });

  describe('a login that ended in another browser', () => {
    it('gets no details, and says to start again here', async () => {
      const { el } = await mount();
      await startPopupLogin(el);
      await loginPageOpen();
      const { backend } = await stack();
      const stored = Object.keys(sessionStorage).find((k) => k.startsWith(`id-contact-auth ${backend}`))!;
      const sessionId = (JSON.parse(sessionStorage.getItem(stored)!) as { session: { session_id: string } }).session.session_id;
      // Another browser (no cookie of this login) lands on the login's comm_url.
      await fetch(`${backend}/return/${sessionId}`, { mode: 'no-cors', credentials: 'omit' });
      await waitForState(el, 'failed');
      expect(statusText(el)).to.equal('U bent in een andere browser ingelogd, dus uw gegevens zijn niet doorgegeven. Begin hier opnieuw.');
      expect(parts(el, 'button').map((b) => b.textContent!.trim())).to.deep.equal(['Opnieuw proberen', 'Andere manier kiezen']);
      // Logging in in the login window now changes nothing: this login is over.
      await closePopups();
      // A new login, finished here, goes through.
      await press(button(el, 'Opnieuw proberen'));
      await waitForState(el, 'waiting');
      await login('succes');
      await waitForState(el, 'success');
    });
  });

  describe('a closed login window', () => {
    it('says so within 5 s, and opens the login window again', async () => {
      const { el } = await mount();
      await startPopupLogin(el);
      await loginPageOpen();
      const closedAt = Date.now();
      await closePopups(); // as the resident would, before logging in
      await waitForState(el, 'closed', 5000);
      expect(Date.now() - closedAt).to.be.below(5000);
      expect(statusText(el)).to.equal('Het inlogvenster is gesloten. U bent niet ingelogd.');
      expect(parts(el, 'button').map((b) => b.textContent!.trim())).to.deep.equal(['Inlogvenster opnieuw openen', 'Andere manier kiezen']);
      await press(button(el, 'Inlogvenster opnieuw openen'));
      await waitForState(el, 'waiting');
      await login('succes');
      await waitForState(el, 'success');
    });

    it('is not "closed" when the return page closed it after a login', async () => {
      const { el, states } = await mount();
      await startPopupLogin(el);
      await login('succes');
      await waitForState(el, 'success');
      await new Promise((r) => setTimeout(r, 3500));
      expect(states).not.to.include('closed');
    });

    it('moves focus off a button whose action changed under it, to the first action', async () => {
      const { el } = await mount();
      await startPopupLogin(el);
      await loginPageOpen();
      // Cancel, the second button, becomes "another method" when the window closes.
      button(el, 'Annuleren').focus();
      await closePopups();
      await waitForState(el, 'closed', 5000);
      await el.updateComplete;
      expect((el.shadowRoot!.activeElement as HTMLElement | null)?.textContent?.trim()).to.equal('Inlogvenster opnieuw openen');
    });

    it('another method goes back to the chooser', async () => {
      const { el } = await mount();
      await startPopupLogin(el);
      await loginPageOpen();
      await closePopups();
      await waitForState(el, 'closed', 5000);
      button(el, 'Andere manier kiezen').click();
      await waitForState(el, 'choosing');
    });
  });

  it('cancel closes the popup and returns to the chooser', async () => {
    const { el } = await mount();
    await startPopupLogin(el);
    button(el, 'Annuleren').click();
    await waitForState(el, 'choosing');
    await popupGone((await stack()).plugin);
  });

  describe('blocked popup', () => {
    it('offers a link to the login page and a way to continue here', async () => {
      const { el } = await mount();
      await waitForState(el, 'choosing');
      // A script click is no user activation: Chromium's popup blocker refuses the window.
      methodButton(el, 'irma').click();
      await waitForState(el, 'blocked');
      expect(statusText(el)).to.equal('Uw browser heeft het inlogvenster geblokkeerd.');
      const link = part<HTMLAnchorElement>(el, 'link');
      // It shows where it goes; the click launches with a form POST (the backend then sends it to the login page).
      expect(link.href).to.match(new RegExp(`^${(await stack()).backend}/launch/`));
      expect(link.target).to.match(/^id-contact-auth-\d+$/);
      expect(button(el, 'Verder in dit venster')).to.exist;

      // Following the link opens the login page in a new tab; the widget waits for it.
      await press(link);
      await waitForState(el, 'waiting');
      await login('succes');
      await waitForState(el, 'success');
    });

    it('cancel from the blocked state returns to the chooser', async () => {
      const { el } = await mount();
      await waitForState(el, 'choosing');
      methodButton(el, 'digid').click();
      await waitForState(el, 'blocked');
      button(el, 'Annuleren').click();
      await waitForState(el, 'choosing');
    });
  });

  describe('errors', () => {
    it('core down: says what happened, emits id-contact-error, and retry recovers', async () => {
      await coreMode('down');
      const errored = new Promise<CustomEvent<{ message: string }>>((resolve) =>
        document.addEventListener('id-contact-error', (e) => resolve(e), { once: true }),
      );
      const { el } = await mount();
      await waitForState(el, 'error');
      expect(statusText(el)).to.equal('Er ging iets mis bij het inloggen. Probeer het later opnieuw.');
      expect(part(el, 'contact').textContent).to.equal('Lukt het niet? Neem dan contact op met de gemeente.');
      expect((await errored).detail.message).to.be.a('string').and.not.equal('');
      await coreMode('up');
      button(el, 'Opnieuw proberen').click();
      await waitForState(el, 'choosing');
    });

    it('unknown purpose: no retry for the resident, a contact line, and a warning for the site’s developer', async () => {
      const warnings = await captureWarnings(async () => {
        const { el } = await mount({ purpose: 'no_such_purpose' });
        await waitForState(el, 'error');
        expect(statusText(el)).to.equal('U kunt hier nu niet inloggen.');
        expect(parts(el, 'button')).to.deep.equal([]);
        expect(part(el, 'contact').textContent).to.equal('Lukt het niet? Neem dan contact op met de gemeente.');
      });
      expect(warnings).to.deep.equal(['<id-contact-auth>: the core does not know purpose "no_such_purpose"']);
    });

    it('the site’s contact line replaces the default', async () => {
      const { el } = await mount({ purpose: 'no_such_purpose' });
      el.strings = { nl: { contact: 'Bel 14 020 op werkdagen.' } };
      await waitForState(el, 'error');
      expect(part(el, 'contact').textContent).to.equal('Bel 14 020 op werkdagen.');
    });

    it('unreachable backend', async () => {
      const { el } = await mount({ backend: 'http://127.0.0.1:9' });
      await waitForState(el, 'error');
      expect(statusText(el)).to.equal('De inlogdienst is niet bereikbaar. Probeer het later opnieuw.');
      expect(button(el, 'Opnieuw proberen')).to.exist;
    });

    it('no methods for the purpose: no retry, and a warning for the site’s developer', async () => {
      const warnings = await captureWarnings(async () => {
        const { el } = await mount({ purpose: 'no_methods' });
        await waitForState(el, 'empty');
        expect(statusText(el)).to.equal('U kunt hier nu niet inloggen.');
        expect(parts(el, 'button')).to.deep.equal([]);
      });
      expect(warnings).to.deep.equal(['<id-contact-auth>: no login methods for purpose "no_methods"']);
    });

    it('no retry while loading', async () => {
      await coreMode('hang');
      const { el } = await mount();
      await new Promise((r) => setTimeout(r, 100));
      expect(el.state).to.equal('loading');
      expect(el.shadowRoot!.querySelectorAll('button').length).to.equal(0);
    });

    it('the core refusing the start closes the popup and shows an error', async () => {
      const { el } = await mount();
      await waitForState(el, 'choosing');
      await coreMode('down');
      await press(methodButton(el, 'irma'));
      await waitForState(el, 'error');
      await coreMode('up');
      button(el, 'Opnieuw proberen').click();
      await waitForState(el, 'choosing');
    });

    it('a dropped event stream reconnects and the result still arrives', async () => {
      const { el, states } = await mount();
      await startPopupLogin(el);
      // The stream may not be connected yet when the first cut comes: cut until it was.
      for (let i = 0; i < 20 && !states.includes('reconnecting'); i++) {
        await dropConnections();
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(states).to.include('reconnecting');
      await waitForState(el, 'waiting');
      await login('succes');
      await waitForState(el, 'success');
    });
  });

  it('renders method names as text, never as markup', async () => {
    const { el } = await mount({ purpose: 'hostile_names' });
    await waitForState(el, 'choosing');
    const name = part(el, 'method-name');
    expect(name.textContent).to.equal('<img src=x onerror="window.__idcPwned=1"><b>Bold</b>');
    expect(name.children.length).to.equal(0);
    expect(el.shadowRoot!.querySelectorAll('b').length).to.equal(0);
    expect((window as { __idcPwned?: number }).__idcPwned).to.equal(undefined);
  });
});
