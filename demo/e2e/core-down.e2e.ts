/**
 * When the login cannot start (here: the ID Contact core has gone away after
 * the page loaded), the widget reports an error and the agent tells the
 * resident what to do instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from './support/browser.ts';
import { EPHEMERAL_PORTS, startDemo, type Demo } from '../src/start-demo.ts';
import { launchBrowser, newVisit } from './support/browser.ts';
import { agentSays, conversation, methodButton, openChat } from './support/resident.ts';

let browser: Browser;
let demo: Demo;

beforeAll(async () => {
  [browser, demo] = await Promise.all([launchBrowser(), startDemo({ ports: EPHEMERAL_PORTS, keysDir: null })]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), demo?.close()]);
});

describe('the chat when the login cannot start', () => {
  it('shows the widget error and an agent message with another way to get help', async () => {
    const { context, page } = await newVisit(browser);
    try {
      await openChat(page, demo.urls.chat);
      await methodButton(page, 'Yivi').waitFor();
      await demo.core.close();

      await methodButton(page, 'Yivi').click();
      await agentSays(page, 'bel ons op 14 000').waitFor();
      await page.getByRole('button', { name: 'Opnieuw proberen' }).waitFor();
      expect(await conversation(page).getByText('Identiteit geverifieerd').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
