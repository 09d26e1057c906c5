/**
 * The chat page itself, apart from the login: talking to the agent, keeping
 * the conversation across a reload, starting over, showing typed markup as
 * text, and passing an accessibility audit (axe) with the widget in it.
 */
import { expectNoProblems } from './support/browser.ts';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe.ts';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import {
  agentSays,
  chooseMethodInPopup,
  conversation,
  finishLogin,
  methodButton,
  openChat,
  sendMessage,
  verifiedDetails,
} from './support/resident.ts';

const run = useDemoInBrowser();

describe('the chat page', () => {
  it('answers a typed message and keeps the conversation across a reload', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    await sendMessage(page, 'Hallo, bent u daar?');
    await conversation(page).locator('li.message--user', { hasText: 'Hallo, bent u daar?' }).waitFor();
    await agentSays(page, 'moet ik eerst weten wie u bent').waitFor();
    expect(await page.getByRole('textbox', { name: 'Uw bericht' }).inputValue()).toBe('');

    await page.reload();
    await methodButton(page, 'Yivi').waitFor();
    expect(await conversation(page).getByText('Hallo, bent u daar?').count()).toBe(1);
    expect(await agentSays(page, 'moet ik eerst weten wie u bent').count()).toBe(1);
    expectNoProblems(run.visit);
  });

  it('shows typed markup as text', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    const markup = '<img src=x onerror="document.title=\'pwned\'"><b>vet</b>';
    await sendMessage(page, markup);
    await conversation(page).getByText(markup).waitFor();
    expect(await conversation(page).locator('li.message--user img, li.message--user b').count()).toBe(0);
    expect(await page.title()).toBe('Chat met Gemeente Voorbeeld');
  });

  it('starts a new conversation on request', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    await sendMessage(page, 'Eerste gesprek');
    await conversation(page).getByText('Eerste gesprek').waitFor();
    const agentLink = page.getByRole('link', { name: 'Medewerkersscherm' });
    const before = await agentLink.getAttribute('href');
    await page.getByRole('button', { name: 'Nieuw gesprek' }).click();
    // The old conversation also shows a Yivi button, so that proves nothing. The new one is drawn
    // without the old messages once the site's server has answered (a slow answer under load takes
    // a while), and it has a conversation of its own there, which the console link names.
    await conversation(page).getByText('Eerste gesprek').waitFor({ state: 'detached' });
    expect(await agentLink.getAttribute('href')).not.toBe(before);
    await methodButton(page, 'Yivi').waitFor();
    expect(await conversation(page).getByText('Eerste gesprek').count()).toBe(0);
    expect(await conversation(page).locator('ol > li').count()).toBe(4);
  });

  it('passes an accessibility audit, with the widget offering its methods', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    await methodButton(page, 'DigiD').waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('passes an accessibility audit with the verified details shown', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    await finishLogin(await chooseMethodInPopup(page, 'Yivi'), 'log in');
    await verifiedDetails(page);
    await page.locator('#typing').waitFor({ state: 'hidden' });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('is usable on a phone: the message box and the widget fit the screen', async () => {
    const context = await run.browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true });
    try {
      const page = await context.newPage();
      await openChat(page, run.demo.urls.chat);
      await methodButton(page, 'Yivi').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0);
      const composer = await page.getByRole('button', { name: 'Verstuur' }).boundingBox();
      expect(composer).not.toBeNull();
      expect(composer!.y + composer!.height).toBeLessThanOrEqual(740);
    } finally {
      await context.close();
    }
  });
});
