/**
 * The demo as a person uses it: in the middle of a chat, log in in a popup
 * and see the verified details appear in the conversation. Plain start,
 * result POSTed to attr_url (the demo's defaults).
 */
import { expectNoProblems, withRequestedUrls } from './support/browser.ts';
import { describe, expect, it } from 'vitest';
import { DEMO_TEST_PERSON } from '../../standins/auth-plugin/demo-test-person.ts';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import {
  agentSays,
  chooseMethodInPopup,
  conversation,
  EXPECTED_DETAILS,
  finishLogin,
  methodButton,
  openChat,
  TEST_PERSON_NAME,
  verifiedDetails,
} from './support/resident.ts';

const run = useDemoInBrowser();

describe('the chat with a popup login', () => {
  it('verifies the resident in the middle of the chat and shows their details', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);

    const login = await chooseMethodInPopup(page, 'Yivi');
    // The test login page lists what the municipality asks for.
    expect(await login.getByRole('list').innerText()).toMatch(/bsn[\s\S]*fullname[\s\S]*email/);
    const closed = login.waitForEvent('close');
    await finishLogin(login, 'log in');
    await closed;

    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
    await agentSays(page, `Dank u wel, ${TEST_PERSON_NAME}.`).waitFor();
    // The widget shows the outcome; the details show once, in the page's own message.
    await page.getByText('U bent ingelogd.').waitFor();
    // The login is bound to the conversation (a ticket): the widget says who sees the details.
    await page.getByText('De medewerker ziet nu deze gegevens.', { exact: true }).waitFor();
    expect(await page.getByText(DEMO_TEST_PERSON.bsn!, { exact: true }).filter({ visible: true }).count()).toBe(1);
    // Without a login session at the auth plugin there is nothing to log out of.
    expect(await page.getByRole('button', { name: 'Uitloggen' }).count()).toBe(0);
    // The result came the intended way: a POST to attr_url that the backend accepted.
    expect(run.demo.authPlugin.resultDeliveries.map(({ resultStatus, status }) => ({ resultStatus, status }))).toContainEqual({
      resultStatus: 'succes',
      status: 200,
    });

    expectNoProblems(run.visit);
    // No attribute value ever travels in a URL (BSN, name, email).
    withRequestedUrls(run.visit, (urls) => {
      const leaks = urls.filter((url) =>
        [DEMO_TEST_PERSON.bsn!, DEMO_TEST_PERSON.email!, encodeURIComponent(TEST_PERSON_NAME), 'Sanne'].some((value) => url.includes(value)),
      );
      expect(leaks).toEqual([]);
    });
  });

  it('tells the resident when the login fails, and lets them try again', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);

    const first = await chooseMethodInPopup(page, 'DigiD');
    const closed = first.waitForEvent('close');
    await finishLogin(first, 'fail');
    await closed;

    await agentSays(page, 'Het inloggen is helaas niet gelukt.').waitFor();
    await page.getByText('Inloggen is niet gelukt.', { exact: false }).waitFor();
    expect(await conversation(page).getByText('Identiteit geverifieerd').count()).toBe(0);

    // The same method again comes first; another one second.
    await page.getByRole('button', { name: 'Opnieuw proberen' }).waitFor();
    await page.getByRole('button', { name: 'Andere manier kiezen' }).click();
    const second = await chooseMethodInPopup(page, 'Yivi');
    await finishLogin(second, 'log in');
    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
    expectNoProblems(run.visit);
  });

  it('offers the methods the core allows for the purpose, with their icons', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    await methodButton(page, 'Yivi').waitFor();
    const icons = page.locator('id-contact-auth img');
    expect(await icons.count()).toBe(2);
    // Every icon loaded from the core (a CSP mistake would leave it broken).
    await page.waitForFunction(() =>
      [...(document.querySelector('id-contact-auth')?.shadowRoot?.querySelectorAll('img') ?? [])].every((image) => image.complete),
    );
    // Loaded, not broken: a width of its own (an SVG's natural size differs by engine: 64 in Chromium and Firefox, 32 in WebKit).
    const widths = await icons.evaluateAll((images) => images.map((image) => (image as HTMLImageElement).naturalWidth));
    expect(widths).toHaveLength(2);
    for (const width of widths) expect(width).toBeGreaterThan(0);
    expectNoProblems(run.visit);
  });
});
