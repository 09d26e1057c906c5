/**
 * Both sides of the conversation, as two people in two browsers: the resident
 * logs in in the chat, the employee watches the console the chat site serves
 * at /agent. What the employee sees comes from the backend, bound to the
 * conversation by tickets: nothing the resident's page does changes it.
 */
import type { Page } from '../../testkit/browser/page.ts';
import { describe, expect, it } from 'vitest';
import { DEMO_TEST_PERSON } from '../../standins/auth-plugin/demo-test-person.ts';
import { axeViolations } from './support/axe.ts';
import { newVisit, expectNoProblems, withRequestedUrls } from './support/browser.ts';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import { agentElement, openConsoleFor } from './support/employee.ts';
import { agentSays, logInWithPopup, openChat, TEST_PERSON_NAME, verifiedDetails } from './support/resident.ts';

const run = useDemoInBrowser();



/** What the console shows as verified: label → value. */
async function consoleDetails(page: Page): Promise<Record<string, string>> {
  const element = agentElement(page);
  const labels = await element.locator('[part~="attribute-label"]').allInnerTexts();
  const values = await element.locator('[part~="attribute-value"]').allInnerTexts();
  // A value with a case link also says, to screen readers, where the link opens.
  const shown = values.map((value) => value.replace(/\s*\(open het dossier in een nieuw tabblad\)$/, ''));
  return Object.fromEntries(labels.map((label, index) => [label, shown[index] ?? '']));
}

const CONSOLE_DETAILS = {
  BSN: DEMO_TEST_PERSON.bsn,
  'Volledige naam': DEMO_TEST_PERSON.fullname,
  'E-mailadres': DEMO_TEST_PERSON.email,
};

describe('the employee console beside the chat', () => {
  it('shows the resident verified, from the backend, as soon as the login is done; the site gets a signed webhook', async () => {
    const resident = run.visit.page;
    await openChat(resident, run.demo.urls.chat);
    const { employee, page: console } = await openConsoleFor(run.browser, run.demo.urls.chat, resident);
    try {
      await logInWithPopup(resident, 'Yivi');
      await resident.getByText('U bent ingelogd.').waitFor();
      // Within 2 s of the resident seeing it, the employee does too.
      await agentElement(console).getByText('Geverifieerd', { exact: true }).waitFor({ timeout: 2000 });
      expect(await consoleDetails(console)).toEqual(CONSOLE_DETAILS);
      expect(await agentElement(console).locator('[part~="meta"]').innerText()).toContain('Yivi');

      // The scripted agent greets by the name the employee's side received.
      await agentSays(resident, `Dank u wel, ${TEST_PERSON_NAME}.`).waitFor();

      // The chat site's server received the signed webhook, for this conversation.
      const conversation = new URL((await console.url())).searchParams.get('conversation');
      await expect.poll(() => run.demo.webhooks.filter((event) => event.conversation === conversation).map((event) => event.type), { timeout: 30_000 }).toEqual([
        'identity.verified',
      ]);

      expect(await axeViolations(console)).toEqual([]);
      expectNoProblems(run.visit, employee);
      // The ticket never travels in a URL; the console's address names the conversation only.
      withRequestedUrls(run.visit, (resident) =>
        withRequestedUrls(employee, (console) => expect([...resident, ...console].filter((url) => url.includes('eyJ'))).toEqual([])),
      );
    } finally {
      await employee.context.close();
    }
  });

  it('is not fooled by a resident page that rewrites what its widget reports', async () => {
    const resident = run.visit.page;
    await openChat(resident, run.demo.urls.chat);
    // The resident's own page is the resident's to change: here it rewrites the widget's event before the chat reads it.
    await resident.evaluate(() => {
      window.addEventListener(
        'id-contact-authenticated',
        (event) => {
          const detail = (event as CustomEvent<{ attributes: Record<string, string> }>).detail;
          detail.attributes.fullname = 'Mallory Vervalst';
          detail.attributes.bsn = '111222333';
        },
        { capture: true },
      );
    });
    const { employee, page: console } = await openConsoleFor(run.browser, run.demo.urls.chat, resident);
    try {
      await logInWithPopup(resident, 'Yivi');
      // The resident's page shows what it made up...
      expect(await verifiedDetails(resident)).toMatchObject({ Naam: 'Mallory Vervalst', BSN: '111222333' });
      // ...but the employee, and the agent's greeting, go by the backend.
      await agentElement(console).getByText('Geverifieerd', { exact: true }).waitFor();
      expect(await consoleDetails(console)).toEqual(CONSOLE_DETAILS);
      await agentSays(resident, `Dank u wel, ${TEST_PERSON_NAME}.`).waitFor();
      expect(await agentSays(resident, 'Mallory').count()).toBe(0);
    } finally {
      await employee.context.close();
    }
  });

  it('forgets the details when the employee asks, and never shows another conversation', async () => {
    const resident = run.visit.page;
    await openChat(resident, run.demo.urls.chat);
    const { employee, page: console } = await openConsoleFor(run.browser, run.demo.urls.chat, resident);
    const other = await newVisit(run.browser);
    try {
      // Someone else, in another conversation, logs in too: not shown here.
      await openChat(other.page, run.demo.urls.chat);
      await logInWithPopup(other.page, 'Yivi');
      await other.page.getByText('U bent ingelogd.').waitFor();

      await logInWithPopup(resident, 'DigiD');
      await agentElement(console).getByText('Geverifieerd', { exact: true }).waitFor();
      expect(await agentElement(console).locator('[part~="identity"]').count()).toBe(1);
      expect(await agentElement(console).locator('[part~="meta"]').innerText()).toContain('DigiD');

      await agentElement(console).getByRole('button', { name: 'Gegevens wissen' }).click();
      await agentElement(console).getByRole('button', { name: 'Ja, wissen' }).click();
      await agentElement(console).getByText('gegevens gewist', { exact: true }).waitFor();
      expect(await consoleDetails(console)).toEqual({});
      expect(await agentElement(console).getByText(DEMO_TEST_PERSON.bsn!).count()).toBe(0);
      // A reload asks the backend afresh: gone there too.
      await console.reload();
      await agentElement(console).getByText('gegevens gewist', { exact: true }).waitFor();
      expect(await agentElement(console).getByText(DEMO_TEST_PERSON.bsn!).count()).toBe(0);
    } finally {
      await Promise.all([employee.context.close(), other.context.close()]);
    }
  });

  it('says so when its host ticket has expired', async () => {
    const resident = run.visit.page;
    await openChat(resident, run.demo.urls.chat);
    const { employee, page: console } = await openConsoleFor(run.browser, run.demo.urls.chat, resident);
    try {
      const conversation = new URL((await console.url())).searchParams.get('conversation')!;
      const expired = await run.demo.tickets.mint('host', conversation, { expiresInSeconds: -120 });
      // The event is kept in the page and read afterwards (a pending evaluation would hold WebDriver's one line).
      await console.evaluate(() => {
        document.addEventListener('id-contact-agent-error', (event) => ((window as unknown as { agentError: string }).agentError = (event as CustomEvent<{ code: string }>).detail.code), {
          once: true,
        });
      });
      await console.evaluate((ticket) => {
        (document.querySelector('id-contact-agent') as HTMLElement & { ticket: string }).ticket = ticket;
      }, expired);
      await agentElement(console).getByText('Uw toegang is verlopen. Vernieuw de pagina.').waitFor();
      expect(await console.evaluate(() => (window as unknown as { agentError?: string }).agentError)).toBe('ticket_expired');
    } finally {
      await employee.context.close();
    }
  });

  it('starts a new conversation with "Nieuw gesprek": the old console does not see the new login', async () => {
    const resident = run.visit.page;
    await openChat(resident, run.demo.urls.chat);
    const { employee, page: oldConsole } = await openConsoleFor(run.browser, run.demo.urls.chat, resident);
    try {
      const before = await resident.getByRole('link', { name: 'Medewerkersscherm' }).getAttribute('href');
      await resident.getByRole('button', { name: 'Nieuw gesprek' }).click();
      // The site's server answers "Nieuw gesprek" in its own time (slowly under load): poll longer than 1 s.
      await expect.poll(() => resident.getByRole('link', { name: 'Medewerkersscherm' }).getAttribute('href'), { timeout: 30_000 }).not.toBe(before);
      const newConsole = await employee.context.newPage();
      await newConsole.goto(new URL((await resident.getByRole('link', { name: 'Medewerkersscherm' }).getAttribute('href'))!, run.demo.urls.chat).href);

      await logInWithPopup(resident, 'Yivi');
      await agentElement(newConsole).getByText('Geverifieerd', { exact: true }).waitFor();
      expect(await agentElement(oldConsole).getByText('Nog niemand ingelogd in dit gesprek').isVisible()).toBe(true);
    } finally {
      await employee.context.close();
    }
  });
});
