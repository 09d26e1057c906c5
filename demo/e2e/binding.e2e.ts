/**
 * The attacks on a login, in the run's engine with two browsers (two contexts:
 * their own cookies, like two people's browsers): the attacker starts a login
 * in their chat and gets the victim to finish it. No attribute may reach the
 * attacker's widget or conversation, and the victim's page must say their
 * details were not passed on. See docs/binding.md.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Context, Page } from '../../testkit/browser/page.ts';
import { DEMO_TEST_PERSON } from '../../standins/auth-plugin/demo-test-person.ts';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import { newVisit, loadedFrom } from './support/browser.ts';
import { chooseMethodInPopup, EXPECTED_DETAILS, finishLogin, methodButton, openChat, startAtMunicipality, verifiedCard, verifiedDetails } from './support/resident.ts';

const run = useDemoInBrowser();

const NOT_PASSED_ON = 'Uw gegevens zijn niet doorgegeven';
const OTHER_BROWSER = 'U bent in een andere browser ingelogd, dus uw gegevens zijn niet doorgegeven.';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A page on a loopback port of its own: another origin, as an attacker's site is. */
async function servePage(body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Answers "log in" on the test login page the page shows, as its form would, but from here: the auth plugin
 * POSTs the result to attr_url and names the comm_url the browser would go to next, which this returns.
 */
async function answerLoginFor(page: Page): Promise<string> {
  await page.getByRole('heading', { name: 'Test authentication' }).waitFor();
  const action = new URL((await page.getAttribute('form', 'action'))!, await page.url()).href;
  const answer = await fetch(action, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'outcome=succes',
    redirect: 'manual',
  });
  await answer.arrayBuffer();
  if (answer.status !== 303 && answer.status !== 302) throw new Error(`the login answered ${answer.status}`);
  return new URL(answer.headers.get('location')!, action).href;
}

/** The victim: a browser of their own. */
async function victimBrowser(): Promise<{ context: Context; page: Page }> {
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
    const address = (await login.url());

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
    const address = (await attacker.url());

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
        address = (await login.url());
        await login.close();
      } else {
        await openChat(attacker, run.demo.urls.chat, '?mode=redirect');
        await methodButton(attacker, 'DigiD').click();
        await attacker.waitForURL(`${run.demo.urls.authPlugin}/login/**`);
        address = (await attacker.url());
        // Back to the chat, which picks its login up again and waits for it.
        await attacker.goto(`${run.demo.urls.chat}/?mode=redirect`);
      }

      const victim = await victimBrowser();
      try {
        // The victim's answer on the login page goes to the auth plugin, which POSTs the result and sends the
        // victim's browser on to the comm_url; here that answer is sent for the victim, so that the attacker's
        // browser can reach the comm_url first, and the victim's browser follows a moment later.
        await victim.page.goto(address);
        const commUrl = await answerLoginFor(victim.page);
        expect(commUrl.startsWith(`${run.demo.urls.backend}/return/`)).toBe(true);
        // The attacker's browser at the comm_url: a request with its cookies, at once (within the settle time).
        const racer = await fetch(commUrl, { headers: { Cookie: await attacker.window.cookieHeader(commUrl) } });
        await racer.arrayBuffer();
        await victim.page.goto(commUrl);
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
      // A page on the attacker's site (another origin) that submits the launch form by itself.
      const phishing = await servePage(
        `<form method="post" action="${launchUrl}"><input type="hidden" name="token" value="${launchToken}"></form><script>document.forms[0].submit()</script>`,
      );
      closers.push(phishing.close);
      await victim.page.goto(phishing.url);
      await victim.page.getByRole('heading', { name: 'Inloggen niet gestart' }).waitFor();
      expect((await victim.page.url())).toContain('/launch/');
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
    const used = await loadedFrom(resident);
    expect(used).toMatch(/id-contact-session=/);

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
