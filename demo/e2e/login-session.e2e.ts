/**
 * A login that keeps a session at the auth plugin (DEMO_LOGIN_SESSION=1):
 * while the resident chats, the plugin hears they are active; Logout ends the
 * session there and takes the details out of the chat.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_TEST_PERSON } from '../../standins/auth-plugin/demo-test-person.ts';
import { sessionFeedbackArrived } from './support/auth-plugin-feedback.ts';
import { newVisit, expectNoProblems } from './support/browser.ts';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import { agentSays, chooseMethodInPopup, conversation, EXPECTED_DETAILS, finishLogin, openChat, sendMessage, verifiedDetails } from './support/resident.ts';

const run = useDemoInBrowser({ loginSession: true });

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
    expectNoProblems(run.visit);
  });
});

describe('the employee console with a login session', () => {
  it("shows the logout: the details go from the employee's view, and the site gets identity.logged_out", async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    const href = await page.getByRole('link', { name: 'Medewerkersscherm' }).getAttribute('href');
    const employee = await newVisit(run.browser);
    try {
      await employee.page.goto(new URL(href!, run.demo.urls.chat).href);
      const agent = employee.page.locator('id-contact-agent');
      await agent.getByText('Nog niemand ingelogd in dit gesprek').waitFor();

      await finishLogin(await chooseMethodInPopup(page, 'Yivi'), 'log in');
      await agent.getByText('Geverifieerd', { exact: true }).waitFor();
      await agent.getByText(DEMO_TEST_PERSON.bsn!).waitFor();

      await page.getByRole('button', { name: 'Uitloggen' }).click();
      await agent.getByText('uitgelogd', { exact: true }).waitFor();
      expect(await agent.getByText(DEMO_TEST_PERSON.bsn!).count()).toBe(0);
      const conversationId = new URL(href!, run.demo.urls.chat).searchParams.get('conversation');
      await expect
        .poll(() => run.demo.webhooks.filter((event) => event.conversation === conversationId).map((event) => event.type), { timeout: 30_000 })
        .toEqual(['identity.verified', 'identity.logged_out']);
      expectNoProblems(employee);
    } finally {
      await employee.context.close();
    }
  });
});
