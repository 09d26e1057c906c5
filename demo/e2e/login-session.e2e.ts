/**
 * A login that keeps a session at the auth plugin (DEMO_LOGIN_SESSION=1):
 * while the resident chats, the plugin hears they are active; Logout ends the
 * session there and takes the details out of the chat.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_TEST_PERSON } from '../src/auth-plugin/demo-test-person.ts';
import { EPHEMERAL_PORTS, startDemo, type Demo } from '../src/start-demo.ts';
import { sessionFeedbackArrived } from './support/auth-plugin-feedback.ts';
import { launchChromium, newVisit, type Visit } from './support/chromium.ts';
import { agentSays, chooseMethodInPopup, conversation, EXPECTED_DETAILS, finishLogin, openChat, sendMessage, verifiedDetails } from './support/resident.ts';

let browser: Browser;
let demo: Demo;
let visit: Visit;

beforeAll(async () => {
  [browser, demo] = await Promise.all([launchChromium(), startDemo({ ports: EPHEMERAL_PORTS, keysDir: null, loginSession: true })]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), demo?.close()]);
});
beforeEach(async () => {
  visit = await newVisit(browser);
});
afterEach(async () => {
  await visit.context.close();
});

describe('the chat with a login session', () => {
  it('reports activity while the resident chats, and logs out on request', async () => {
    const { page } = visit;
    await openChat(page, demo.urls.chat);
    await finishLogin(await chooseMethodInPopup(page, 'Yivi'), 'log in');
    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);

    await sendMessage(page, 'Fijn, dank u.');
    await sessionFeedbackArrived(demo.authPlugin, 'user_active');

    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await sessionFeedbackArrived(demo.authPlugin, 'logout');
    await agentSays(page, 'U bent uitgelogd.').waitFor();
    await conversation(page).getByText('Uitgelogd', { exact: true }).waitFor();
    // The details are gone from the page and from what it keeps for a reload.
    expect(await page.getByText(DEMO_TEST_PERSON.bsn!).count()).toBe(0);
    const stored = await page.evaluate(() => JSON.stringify(sessionStorage));
    expect(stored).not.toContain(DEMO_TEST_PERSON.bsn!);
    expect(visit.problems).toEqual([]);
  });
});
