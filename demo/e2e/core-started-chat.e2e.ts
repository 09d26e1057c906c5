/**
 * The other way in: the resident starts at the municipality's start page
 * (the stand-in core's), picks a subject, "Chatten" and a login method, logs
 * in first, and lands in the chat the core set up. The widget on the chat
 * page picks the session up from the link and the details appear as in the
 * other flows; with a login session, Logout ends it everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from './support/browser.ts';
import { DEMO_TEST_PERSON } from '../../standins/auth-plugin/demo-test-person.ts';
import { EPHEMERAL_PORTS, startDemo, type Demo, type DemoOptions } from '../src/start-demo.ts';
import { sessionFeedbackArrived } from './support/auth-plugin-feedback.ts';
import { axeViolations } from './support/axe.ts';
import { backendSession, sessionIdRequested } from './support/backend-session.ts';
import { launchBrowser, newVisit, type Visit, expectNoProblems, loadedFrom } from './support/browser.ts';
import { agentSays, conversation, EXPECTED_DETAILS, finishLogin, sendMessage, startAtMunicipality, verifiedDetails } from './support/resident.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A demo of its own for one describe block. */
function demoWith(options: DemoOptions): () => Demo {
  let demo: Demo | undefined;
  beforeAll(async () => {
    demo = await startDemo({ ports: EPHEMERAL_PORTS, keysDir: null, ...options });
  });
  afterAll(async () => {
    await demo?.close();
  });
  return () => demo!;
}

/** Runs `test` in a fresh browser context, closed afterwards whatever happens. */
async function inVisit(test: (visit: Visit) => Promise<void>): Promise<void> {
  const visit = await newVisit(browser);
  try {
    await test(visit);
  } finally {
    await visit.context.close();
  }
}

/** The start page through to the chat page, where the widget has attached. */
async function startAndLogIn(visit: Visit, demo: Demo, login: string): Promise<void> {
  await startAtMunicipality(visit.page, demo.urls.startPage, { purpose: 'Verhuizing doorgeven', contact: 'Chatten', login });
  await finishLogin(visit.page, 'log in');
  await visit.page.waitForURL(`${demo.urls.chat}/**`);
}

describe('a chat the core started (result POSTed to attr_url)', () => {
  const demo = demoWith({});

  it('starts at the start page and shows the details of the login done before the chat began', () =>
    inVisit(async (visit) => {
      const { page } = visit;
      await startAndLogIn(visit, demo(), 'Yivi');
      expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
      // The one-time link is gone from the address bar.
      expect((await page.url())).not.toContain('id-contact-session');
      // The page's form went to the core, which started the chat at our backend.
      expect(demo().core.requests.filter((request) => request.path === '/start-page').map((request) => request.method)).toEqual(['GET', 'GET', 'POST']);
      expect(demo().authPlugin.resultDeliveries).toEqual([expect.objectContaining({ status: 200, resultStatus: 'succes' })]);
      expectNoProblems(visit);
    }));

  it('has a start page without accessibility problems, in both steps', () =>
    inVisit(async ({ page, problems }) => {
      await page.goto(demo().urls.startPage);
      expect(await page.getAttribute('html', 'lang')).toBe('nl');
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('radio', { name: 'Vergunning aanvragen' }).check();
      await page.getByRole('button', { name: 'Verder' }).click();
      // No call plugin in the demo: shown, but not to be chosen.
      expect(await page.getByRole('radio', { name: 'Bellen (niet in deze demo)' }).isDisabled()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      expectNoProblems({ problems });
    }));
});

describe('a chat the core started, with a login session', () => {
  const demo = demoWith({ loginSession: true });

  it('reports activity while the resident chats, and logs out at the plugin and the backend on Uitloggen', () =>
    inVisit(async (visit) => {
      const { page } = visit;
      const { authPlugin, urls } = demo();
      await startAndLogIn(visit, demo(), 'DigiD');
      expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
      expect((await page.url())).not.toContain('id-contact-session');

      await sendMessage(page, 'Ik ga verhuizen.');
      await sessionFeedbackArrived(authPlugin, 'user_active');
      // Which session the widget holds, from the URLs it requested (WebKit reports none: there the backend is not asked).
      const sessionId = visit.requestedUrls && sessionIdRequested(visit.requestedUrls, urls.backend);
      if (visit.requestedUrls) expect(await backendSession(urls.backend, sessionId!)).toBe('live');

      await page.getByRole('button', { name: 'Uitloggen' }).click();
      await sessionFeedbackArrived(authPlugin, 'logout');
      await agentSays(page, 'U bent uitgelogd.').waitFor();
      await conversation(page).getByText('Uitgelogd', { exact: true }).waitFor();
      // The details are gone from the chat, and the session from the backend.
      expect(await page.getByText(DEMO_TEST_PERSON.bsn!).count()).toBe(0);
      expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain(DEMO_TEST_PERSON.bsn!);
      if (visit.requestedUrls) expect(await backendSession(urls.backend, sessionId!)).toBe('gone');
      expect(authPlugin.sessionFeedback.map((call) => call.type)).toEqual(['user_active', 'logout']);
      expectNoProblems(visit);
    }));
});

describe('a chat the core started, without attr_url (the result rides on the chat link)', () => {
  const demo = demoWith({ useAttrUrl: false });

  it('shows the details from ?result= on the chat URL and takes the result out of the address bar', () =>
    inVisit(async (visit) => {
      const { page } = visit;
      await startAndLogIn(visit, demo(), 'Yivi');
      expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
      // The plugin had nowhere to POST: the result came in the link the browser followed.
      expect(demo().authPlugin.resultDeliveries).toEqual([]);
      expect(await loadedFrom(page)).toMatch(/[?&]result=/);
      expect((await page.url())).not.toContain('result=');
      expect((await page.url())).not.toContain('id-contact-session');
      expectNoProblems(visit);
    }));
});
