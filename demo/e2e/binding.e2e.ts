/**
 * The attacks on a login, in real Chromium with two browsers (two contexts:
 * their own cookies, like two people's browsers): the attacker starts a login
 * in their chat and gets the victim to finish it. No attribute may reach the
 * attacker's widget or conversation, and the victim's page must say their
 * details were not passed on. See docs/binding.md.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_TEST_PERSON } from '../../standins/auth-plugin/demo-test-person.ts';
import { useDemoInChromium } from './support/demo-in-chromium.ts';
import { newVisit } from './support/chromium.ts';
import { chooseMethodInPopup, EXPECTED_DETAILS, finishLogin, methodButton, openChat, startAtMunicipality, verifiedCard, verifiedDetails } from './support/resident.ts';

const run = useDemoInChromium();

const NOT_PASSED_ON = 'Uw gegevens zijn niet doorgegeven';
const OTHER_BROWSER = 'U bent in een andere browser ingelogd, dus uw gegevens zijn niet doorgegeven.';

/** The victim: a browser of their own. */
async function victimBrowser(): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await newVisit(run.browser);
  return { context, page };
}

/** Nothing of the victim on the attacker's chat page; the widget says the login ended elsewhere. */
async function expectAttackerGotNothing(page: Page) {
  await page.getByText(OTHER_BROWSER).waitFor();
  expect(await verifiedCard(page).count()).toBe(0);
  expect(await page.getByText(DEMO_TEST_PERSON.bsn!).count()).toBe(0);
  // The employee's side and the webhook: no identity verified for anyone.
  expect(run.demo.webhooks.filter((hook) => JSON.stringify(hook).includes(DEMO_TEST_PERSON.bsn!))).toEqual([]);
}

describe('a login finished in another browser', () => {
  it('popup: the login window’s address, opened and finished by the victim, gives the attacker nothing', async () => {
    const attacker = run.visit.page;
    await openChat(attacker, run.demo.urls.chat);
    const login = await chooseMethodInPopup(attacker, 'Yivi');
    const address = login.url();

    const victim = await victimBrowser();
    try {
      await victim.page.goto(address);
      await finishLogin(victim.page, 'log in');
      await victim.page.getByRole('heading', { name: NOT_PASSED_ON }).waitFor();
      expect(await victim.page.getByText('klaar met inloggen').count()).toBe(0);
      await expectAttackerGotNothing(attacker);
    } finally {
      await victim.context.close();
    }
  });

  it('redirect: the login page’s address, finished by the victim, gives the attacker nothing when they come back', async () => {
    const attacker = run.visit.page;
    await openChat(attacker, run.demo.urls.chat, '?mode=redirect');
    await methodButton(attacker, 'DigiD').click();
    await attacker.waitForURL(`${run.demo.urls.authPlugin}/login/**`);
    const address = attacker.url();

    const victim = await victimBrowser();
    try {
      await victim.page.goto(address);
      await finishLogin(victim.page, 'log in');
      await victim.page.getByRole('heading', { name: NOT_PASSED_ON }).waitFor();
      // The attacker goes back to their chat: the widget picks its login up again and learns the outcome.
      await attacker.goto(`${run.demo.urls.chat}/?mode=redirect`);
      await expectAttackerGotNothing(attacker);
    } finally {
      await victim.context.close();
    }
  });

  for (const mode of ['popup', 'redirect'] as const) {
    it(`a race (${mode}): the attacker’s browser reaches the comm_url first, the victim’s return a moment later`, async () => {
      const attacker = run.visit.page;
      let address: string;
      if (mode === 'popup') {
        await openChat(attacker, run.demo.urls.chat);
        const login = await chooseMethodInPopup(attacker, 'Yivi');
        address = login.url();
        await login.close();
      } else {
        await openChat(attacker, run.demo.urls.chat, '?mode=redirect');
        await methodButton(attacker, 'DigiD').click();
        await attacker.waitForURL(`${run.demo.urls.authPlugin}/login/**`);
        address = attacker.url();
        // Back to the chat, which picks its login up again and waits for it.
        await attacker.goto(`${run.demo.urls.chat}/?mode=redirect`);
      }

      const victim = await victimBrowser();
      try {
        // The victim's browser is held on its way to the comm_url until the attacker has been there.
        await victim.page.route(`${run.demo.urls.backend}/return/**`, async (route) => {
          const racer = await run.visit.context.newPage();
          await racer.goto(route.request().url());
          await racer.close();
          await route.continue();
        });
        await victim.page.goto(address);
        await finishLogin(victim.page, 'log in');
        await victim.page.getByRole('heading', { name: NOT_PASSED_ON }).waitFor();
        await expectAttackerGotNothing(attacker);
      } finally {
        await victim.context.close();
      }
    });
  }

  it('a phishing page that repeats the launch in the victim’s browser is refused', async () => {
    // The attacker starts a login with a tool (any headers) and keeps its launch unused.
    const ticket = await run.demo.tickets.mint('guest', 'attacker-chat');
    const started = await fetch(`${run.demo.urls.backend}/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: run.demo.urls.chat },
      body: JSON.stringify({ purpose: 'report_move', auth_method: 'digid', ticket }),
    });
    expect(started.status).toBe(201);
    const { launch_url: launchUrl, launch_token: launchToken } = (await started.json()) as { launch_url: string; launch_token: string };

    const victim = await victimBrowser();
    try {
      // A page on the attacker's site that submits the launch form by itself.
      await victim.page.route('https://phish.example/', (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<form method="post" action="${launchUrl}"><input type="hidden" name="token" value="${launchToken}"></form><script>document.forms[0].submit()</script>`,
        }),
      );
      await victim.page.goto('https://phish.example/');
      await victim.page.getByRole('heading', { name: 'Inloggen niet gestart' }).waitFor();
      expect(victim.page.url()).toContain('/launch/');
      // And as a link.
      await victim.page.goto(launchUrl);
      await victim.page.getByRole('heading', { name: 'Inloggen niet gestart' }).waitFor();
    } finally {
      await victim.context.close();
    }
  });

  it('a chat the core started is bound by its one-time link: the first browser gets the login, another nothing', async () => {
    const resident = run.visit.page;
    await startAtMunicipality(resident, run.demo.urls.startPage, { purpose: 'Verhuizing doorgeven', contact: 'Chatten', login: 'Yivi' });
    await finishLogin(resident, 'log in');
    await resident.waitForURL(`${run.demo.urls.chat}/**`);
    expect(await verifiedDetails(resident)).toEqual(EXPECTED_DETAILS);
    // The link the core sent the resident to, as they may have copied it before the page took it out.
    const used = run.visit.requestedUrls.find((url) => url.startsWith(`${run.demo.urls.chat}/`) && url.includes('id-contact-session='))!;
    expect(used).toBeDefined();

    const other = await victimBrowser();
    try {
      await other.page.goto(used);
      await other.page.getByText('Deze link is al gebruikt of is verlopen.').waitFor();
      expect(await verifiedCard(other.page).count()).toBe(0);
      expect(await other.page.getByText(DEMO_TEST_PERSON.bsn!).count()).toBe(0);
    } finally {
      await other.context.close();
    }
  });
});
