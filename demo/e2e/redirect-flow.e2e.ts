/**
 * Redirect mode (`?mode=redirect`): the chat page itself goes to the login
 * page and comes back; the widget picks up its session and the chat still
 * holds the conversation from before the trip.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { EPHEMERAL_PORTS, startDemo, type Demo } from '../src/start-demo.ts';
import { launchChromium, newVisit, type Visit } from './support/chromium.ts';
import { agentSays, conversation, EXPECTED_DETAILS, finishLogin, methodButton, openChat, sendMessage, verifiedDetails } from './support/resident.ts';

let browser: Browser;
let demo: Demo;
let visit: Visit;

beforeAll(async () => {
  [browser, demo] = await Promise.all([launchChromium(), startDemo({ ports: EPHEMERAL_PORTS, keysDir: null })]);
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

describe('the chat with a redirect login', () => {
  it('goes to the login page and back, then shows the verified details in the same conversation', async () => {
    const { page } = visit;
    await openChat(page, demo.urls.chat, '?mode=redirect');
    await sendMessage(page, 'Ik wacht even op de inlogknop.');
    await agentSays(page, 'moet ik eerst weten wie u bent').waitFor();

    let popups = 0;
    page.on('popup', () => popups++);
    await methodButton(page, 'DigiD').click();
    await page.waitForURL(`${demo.urls.authPlugin}/login/**`);
    await finishLogin(page, 'log in');
    await page.waitForURL(`${demo.urls.chat}/?mode=redirect`);

    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
    // What was said before the trip is still there, once.
    expect(await conversation(page).getByText('Ik wacht even op de inlogknop.').count()).toBe(1);
    expect(popups).toBe(0);
    expect(visit.problems).toEqual([]);
  });

  it('comes back to a chat that says the login failed', async () => {
    const { page } = visit;
    await openChat(page, demo.urls.chat, '?mode=redirect');
    await methodButton(page, 'Yivi').click();
    await page.waitForURL(`${demo.urls.authPlugin}/login/**`);
    await finishLogin(page, 'fail');
    await page.waitForURL(`${demo.urls.chat}/?mode=redirect`);

    await agentSays(page, 'Het inloggen is helaas niet gelukt.').waitFor();
    await page.getByRole('button', { name: 'Opnieuw proberen' }).waitFor();
    expect(await conversation(page).getByText('Identiteit geverifieerd').count()).toBe(0);
    expect(visit.problems).toEqual([]);
  });
});
