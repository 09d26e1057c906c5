/**
 * Accessibility: state changes announced, and the whole flow with the
 * keyboard alone (the axe audits of every state are in a11y.schemes.test.ts).
 */
import { expect } from '@open-wc/testing';
import type { IdContactAuth } from '../../src/id-contact-auth.js';
import {
  button,
  cleanUp,
  closePopups,
  coreMode,
  login,
  methodButton,
  mount,
  openPages,
  plantBrokenSession,
  part,
  press,
  stack,
  statusText,
  waitForState,
  key,
} from '../support/browser.js';

describe('state changes are announced', () => {
  afterEach(cleanUp);

  it('the status text is one live region that stays while its text changes', async () => {
    const { el } = await mount();
    const region = part(el, 'status');
    expect(region.getAttribute('role')).to.equal('status');
    await waitForState(el, 'choosing');
    expect(part(el, 'status')).to.equal(region);
    expect(region.textContent!.trim()).to.equal('Kies hoe u wilt inloggen.');
  });

  it('a stream that cannot be opened says it is reconnecting', async () => {
    plantBrokenSession((await stack()).backend);
    const { el } = await mount();
    await waitForState(el, 'reconnecting');
    expect(statusText(el)).to.equal('De verbinding is verbroken. Opnieuw verbinden…');
    button(el, 'Annuleren').click();
    await waitForState(el, 'choosing');
  });
});

describe('keyboard only', () => {
  afterEach(cleanUp);

  const focused = (el: IdContactAuth) => el.shadowRoot!.activeElement as HTMLElement | null;

  it('reaches, starts, cancels and completes a login with Tab and Enter', async () => {
    const { el } = await mount();
    await waitForState(el, 'choosing');
    (document.activeElement as HTMLElement | null)?.blur();

    await key('Tab');
    expect(focused(el)).to.equal(methodButton(el, 'irma'));
    // Focus is visible.
    expect(getComputedStyle(focused(el)!).outlineStyle).to.equal('solid');
    await key('Tab');
    expect(focused(el)).to.equal(methodButton(el, 'digid'));
    await key('Shift+Tab');
    expect(focused(el)).to.equal(methodButton(el, 'irma'));

    await key('Enter');
    await waitForState(el, 'waiting');
    // The pressed button is gone; focus stayed in the widget, on its first action.
    expect(focused(el)?.textContent?.trim()).to.equal('Inlogvenster opnieuw openen');
    await key('Tab');
    expect(focused(el)?.textContent?.trim()).to.equal('Annuleren');
    await key('Enter');
    await waitForState(el, 'choosing');
    expect(focused(el)).to.equal(methodButton(el, 'irma'));

    await key('Tab');
    await key('Space');
    await waitForState(el, 'waiting');
    await login('succes');
    await waitForState(el, 'success');
    expect(focused(el)).to.equal(part(el, 'status'));
  });

  it('after a login with a session, focus is on the status, not on Logout: a stray Enter does not log out', async () => {
    const { el } = await mount({ purpose: 'chat_with_us' });
    await waitForState(el, 'choosing');
    await press(methodButton(el, 'irma_session'));
    await waitForState(el, 'waiting');
    await login('succes');
    await waitForState(el, 'success');
    expect(button(el, 'Uitloggen')).to.exist;
    expect(focused(el)).to.equal(part(el, 'status'));
    await key('Enter');
    expect(el.state).to.equal('success');
  });

  it('does not take focus from the page when it did not have it', async () => {
    const outside = document.createElement('input');
    document.body.append(outside);
    outside.focus();
    const { el } = await mount();
    await waitForState(el, 'choosing');
    expect(document.activeElement).to.equal(outside);
    outside.remove();
  });
});
