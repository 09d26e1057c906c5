/**
 * The other way in: the resident starts at the ID Contact core (choosing a
 * login method and "Chatten" there), logs in first, and lands in the chat
 * with the result already on its way. The widget on the chat page picks the
 * session up from the link and the details appear as in the other flows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { EPHEMERAL_PORTS, startDemo, type Demo } from '../src/start-demo.ts';
import { launchChromium, newVisit } from './support/chromium.ts';
import { EXPECTED_DETAILS, finishLogin, verifiedDetails } from './support/resident.ts';

let browser: Browser;
let demo: Demo;

beforeAll(async () => {
  [browser, demo] = await Promise.all([launchChromium(), startDemo({ ports: EPHEMERAL_PORTS, keysDir: null })]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), demo?.close()]);
});

describe('a chat the core started', () => {
  it('shows the details of a login done before the chat began', async () => {
    // What the core's own start page does when the resident picks Yivi and chat.
    const start = await fetch(`${demo.urls.core}/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma', comm_method: 'chat' }),
    });
    expect(start.status).toBe(200);
    const { client_url: loginUrl } = (await start.json()) as { client_url: string };

    const { context, page, problems } = await newVisit(browser);
    try {
      await page.goto(loginUrl);
      await finishLogin(page, 'log in');
      await page.waitForURL(`${demo.urls.chat}/**`);
      expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
      // The one-time link is gone from the address bar.
      expect(page.url()).not.toContain('id-contact-session');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
