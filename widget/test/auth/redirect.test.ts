/**
 * Redirect mode for real: the host page (a window of its own) goes to the
 * auth plugin's login page, the user logs in there, the backend's return page
 * sends the browser back, and the reloaded page picks the session up.
 */
import { expect } from '@open-wc/testing';
import type { IdContactAuth } from '../../src/id-contact-auth.js';
import { cleanUp, login, press, stack, waitFor } from '../support/browser.js';

type HostWindow = Window & { states?: string[] };

/** Opens a window from a real key press, as popup blockers demand. */
async function openWindow(url: string, name: string): Promise<HostWindow> {
  const opener = document.createElement('button');
  opener.textContent = 'open';
  let opened: Window | null = null;
  opener.addEventListener('click', () => (opened = window.open(url, name)));
  document.body.append(opener);
  await press(opener);
  opener.remove();
  if (!opened) throw new Error('window did not open');
  return opened;
}

/** The host page's element, while the window shows the host page (not the login page). */
function hostElement(host: HostWindow): IdContactAuth | undefined {
  try {
    return host.document.querySelector('id-contact-auth') ?? undefined;
  } catch {
    return undefined; // cross-origin: at the login page
  }
}

describe('redirect mode', () => {
  afterEach(cleanUp);

  it('sends the page to the login, and picks the session up when it comes back', async () => {
    const { backend } = await stack();
    const host = await openWindow(`/widget/test/fixtures/redirect-host.html?backend=${encodeURIComponent(backend)}`, 'redirect-host');
    const el = await waitFor(() => hostElement(host)?.state === 'choosing' && hostElement(host), 'the chooser');
    const firstPage = host.location.href;

    el.shadowRoot!.querySelector<HTMLButtonElement>('button[data-tag="digid"]')!.click();
    await waitFor(() => {
      try {
        return host.location.href === 'never';
      } catch {
        return true; // navigated to the (cross-origin) login page
      }
    }, 'the login page');

    await login('succes');
    const back = await waitFor(() => hostElement(host)?.state === 'success' && hostElement(host), 'success after return');
    expect(host.location.href).to.equal(firstPage);
    // A fresh page load: it went straight to waiting on the stored session.
    expect(host.states).to.deep.equal(['waiting', 'success']);
    const values = [...back.shadowRoot!.querySelectorAll('[part~="attribute-value"]')].map((dd) => dd.textContent);
    expect(values).to.include('Sanne de Vries');
    // The stored session is gone once final.
    expect(Object.keys(host.sessionStorage).filter((key) => key.startsWith('id-contact-auth'))).to.deep.equal([]);
    host.close();
  });
});
