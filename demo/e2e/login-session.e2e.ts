/**
 * A login that keeps a session at the auth plugin (DEMO_LOGIN_SESSION=1):
 * while the resident chats, the plugin hears they are active; Logout ends the
 * session there and takes the details out of the chat.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_TEST_PERSON } from '../src/auth-plugin/demo-test-person.ts';
import { sessionFeedbackArrived } from './support/auth-plugin-feedback.ts';
import { useDemoInChromium } from './support/demo-in-chromium.ts';
import { agentSays, chooseMethodInPopup, conversation, EXPECTED_DETAILS, finishLogin, openChat, sendMessage, verifiedDetails } from './support/resident.ts';

const run = useDemoInChromium({ loginSession: true });

describe('the chat with a login session', () => {
  it('reports activity while the resident chats, and logs out on request', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    await finishLogin(await chooseMethodInPopup(page, 'Yivi'), 'log in');
    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);

    await sendMessage(page, 'Fijn, dank u.');
    await sessionFeedbackArrived(run.demo.authPlugin, 'user_active');

    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await sessionFeedbackArrived(run.demo.authPlugin, 'logout');
    await agentSays(page, 'U bent uitgelogd.').waitFor();
    await conversation(page).getByText('Uitgelogd', { exact: true }).waitFor();
    // The details are gone from the page and from what it keeps for a reload.
    expect(await page.getByText(DEMO_TEST_PERSON.bsn!).count()).toBe(0);
    const stored = await page.evaluate(() => JSON.stringify(sessionStorage));
    expect(stored).not.toContain(DEMO_TEST_PERSON.bsn!);
    expect(run.visit.problems).toEqual([]);
  });
});
