/**
 * Redirect mode (`?mode=redirect`): the chat page itself goes to the login
 * page and comes back; the widget picks up its session and the chat still
 * holds the conversation from before the trip.
 */
import { expectNoProblems } from './support/browser.ts';
import { describe, expect, it } from 'vitest';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import { agentSays, conversation, EXPECTED_DETAILS, finishLogin, methodButton, openChat, sendMessage, verifiedDetails } from './support/resident.ts';

const run = useDemoInBrowser();

describe('the chat with a redirect login', () => {
  it('goes to the login page and back, then shows the verified details in the same conversation', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat, '?mode=redirect');
    await sendMessage(page, 'Ik wacht even op de inlogknop.');
    await agentSays(page, 'moet ik eerst weten wie u bent').waitFor();

    let popups = 0;
    page.on('popup', () => popups++);
    await methodButton(page, 'DigiD').click();
    await page.waitForURL(`${run.demo.urls.authPlugin}/login/**`);
    await finishLogin(page, 'log in');
    await page.waitForURL(`${run.demo.urls.chat}/?mode=redirect`);

    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
    // What was said before the trip is still there, once.
    expect(await conversation(page).getByText('Ik wacht even op de inlogknop.').count()).toBe(1);
    expect(popups).toBe(0);
    expectNoProblems(run.visit);
  });

  it('comes back to a chat that says the login failed', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat, '?mode=redirect');
    await methodButton(page, 'Yivi').click();
    await page.waitForURL(`${run.demo.urls.authPlugin}/login/**`);
    await finishLogin(page, 'fail');
    await page.waitForURL(`${run.demo.urls.chat}/?mode=redirect`);

    await agentSays(page, 'Het inloggen is helaas niet gelukt.').waitFor();
    // The page reloaded on the way back: the method is not kept, so the way on is the chooser.
    await page.getByRole('button', { name: 'Andere manier kiezen' }).waitFor();
    expect(await conversation(page).getByText('Identiteit geverifieerd').count()).toBe(0);
    expectNoProblems(run.visit);
  });
});
