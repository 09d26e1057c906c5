/**
 * Accessibility: an axe audit of every state the user can see (light and
 * dark), and the whole flow with the keyboard alone.
 */
import { expect } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
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
  part,
  press,
  stack,
  statusText,
  waitForState,
} from '../support/browser.js';

async function audit(el: IdContactAuth) {
  await el.updateComplete;
  await expect(el).to.be.accessible();
}

/** Stores a session whose stream does not exist, as if the page had reloaded mid-login. */
function plantBrokenSession(backend: string, purpose = 'report_move') {
  const session = { session_id: 'gone', launch_url: `${backend}/launch/gone`, launch_token: 't', events_url: `${backend}/sessions/gone/events?token=x` };
  sessionStorage.setItem(`id-contact-auth ${backend} ${purpose}`, JSON.stringify({ session, via: 'popup' }));
}

describe('axe finds no violation', () => {
  afterEach(cleanUp);
  after(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  for (const scheme of ['light', 'dark'] as const) {
    describe(`${scheme} colour scheme`, () => {
      before(() => emulateMedia({ colorScheme: scheme }));

      it('loading', async () => {
        await coreMode('hang');
        const { el } = await mount();
        expect(el.state).to.equal('loading');
        await audit(el);
      });

      it('choosing', async () => {
        const { el } = await mount();
        await waitForState(el, 'choosing');
        await audit(el);
      });

      it('empty', async () => {
        const { el } = await mount({ purpose: 'no_methods' });
        await waitForState(el, 'empty');
        await audit(el);
      });

      it('error', async () => {
        const { el } = await mount({ purpose: 'no_such_purpose' });
        await waitForState(el, 'error');
        await audit(el);
      });

      it('starting', async () => {
        const { el } = await mount();
        await waitForState(el, 'choosing');
        await coreMode('hang');
        await press(methodButton(el, 'irma'));
        await waitForState(el, 'starting');
        await audit(el);
      });

      it('blocked', async () => {
        const { el } = await mount();
        await waitForState(el, 'choosing');
        methodButton(el, 'irma').click();
        await waitForState(el, 'blocked');
        await audit(el);
      });

      it('waiting, then success', async () => {
        const { el } = await mount();
        await waitForState(el, 'choosing');
        await press(methodButton(el, 'irma'));
        await waitForState(el, 'waiting');
        await audit(el);
        await login('succes');
        await waitForState(el, 'success');
        await audit(el);
      });

      it('failed', async () => {
        const { el } = await mount();
        await waitForState(el, 'choosing');
        await press(methodButton(el, 'irma'));
        await waitForState(el, 'waiting');
        await login('failed');
        await waitForState(el, 'failed');
        await audit(el);
      });

      it('expired', async () => {
        const { el } = await mount({ backend: (await stack()).shortBackend });
        await waitForState(el, 'choosing');
        await press(methodButton(el, 'irma'));
        await waitForState(el, 'expired', 6000);
        await audit(el);
      });

      it('closed', async () => {
        const { el } = await mount();
        await waitForState(el, 'choosing');
        await press(methodButton(el, 'irma'));
        await waitForState(el, 'waiting');
        const { plugin } = await stack();
        // The window shows our page until the login page commits; close it after that, as a resident would.
        for (let i = 0; i < 100 && !(await openPages()).some((url) => url.startsWith(`${plugin}/login/`)); i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        await closePopups();
        await waitForState(el, 'closed', 5000);
        await audit(el);
      });

      it('reconnecting', async () => {
        plantBrokenSession((await stack()).backend);
        const { el } = await mount();
        await waitForState(el, 'reconnecting');
        await audit(el);
      });
    });
  }
});

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

    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal(methodButton(el, 'irma'));
    // Focus is visible.
    expect(getComputedStyle(focused(el)!).outlineStyle).to.equal('solid');
    await sendKeys({ press: 'Tab' });
    expect(focused(el)).to.equal(methodButton(el, 'digid'));
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(focused(el)).to.equal(methodButton(el, 'irma'));

    await sendKeys({ press: 'Enter' });
    await waitForState(el, 'waiting');
    // The pressed button is gone; focus stayed in the widget, on its first action.
    expect(focused(el)?.textContent?.trim()).to.equal('Inlogvenster opnieuw openen');
    await sendKeys({ press: 'Tab' });
    expect(focused(el)?.textContent?.trim()).to.equal('Annuleren');
    await sendKeys({ press: 'Enter' });
    await waitForState(el, 'choosing');
    expect(focused(el)).to.equal(methodButton(el, 'irma'));

    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Space' });
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
    await sendKeys({ press: 'Enter' });
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

describe('reduced motion', () => {
  after(() => emulateMedia({ reducedMotion: 'no-preference' }));
  afterEach(cleanUp);

  it('stops the busy indicator from spinning', async () => {
    await coreMode('hang');
    const { el } = await mount();
    const status = part(el, 'status');
    expect(getComputedStyle(status, '::before').animationName).to.equal('spin');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(status, '::before').animationName).to.equal('none');
  });
});
