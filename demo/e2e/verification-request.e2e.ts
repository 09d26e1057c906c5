/**
 * The employee asks the resident to log in: two people in two browsers, and a
 * third in another conversation. The console's "Vraag om inloggen" reaches the
 * chat of its own conversation only; the resident logs in for the subject the
 * employee chose (or says not now); the console shows the subject and links
 * the verified BSN to the municipality's case page.
 */
import type { Page } from '../../testkit/browser/page.ts';
import { describe, expect, it } from 'vitest';
import { DEMO_TEST_PERSON } from '../../standins/auth-plugin/demo-test-person.ts';
import { axeViolations } from './support/axe.ts';
import { expectNoProblems, newVisit, withRequestedUrls } from './support/browser.ts';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import { agentElement, openConsoleFor } from './support/employee.ts';
import { logInWithPopup, openChat } from './support/resident.ts';

const run = useDemoInBrowser();

const ASKED = 'De medewerker vraagt u te bevestigen wie u bent';


function residentWidget(page: Page) {
  return page.locator('id-contact-auth');
}


async function ask(console: Page, subject: string): Promise<void> {
  await agentElement(console).getByRole('combobox', { name: 'Onderwerp' }).selectOption(subject);
  await agentElement(console).getByRole('button', { name: 'Vraag om inloggen' }).click();
}

describe('the employee asks the resident to log in', () => {
  it('reaches this conversation\'s chat only, leads to a verified identity with its subject, and the BSN opens the case', async () => {
    const resident = run.visit.page;
    await openChat(resident, run.demo.urls.chat);
    const { employee, page: console } = await openConsoleFor(run.browser, run.demo.urls.chat, resident);
    const other = await newVisit(run.browser);
    try {
      await openChat(other.page, run.demo.urls.chat);

      // A permit needs DigiD and a BSN; the chat's own ticket is for reporting a move.
      await ask(console, 'Vergunning aanvragen');
      await agentElement(console).getByText(/Gevraagd om in te loggen voor: Vergunning aanvragen/).waitFor();
      await residentWidget(resident).getByText(ASKED).waitFor();
      expect(await residentWidget(resident).getByRole('button', { name: 'DigiD' }).count()).toBe(1);
      expect(await residentWidget(resident).getByRole('button', { name: 'Yivi' }).count()).toBe(0);
      expect(await axeViolations(console)).toEqual([]);
      expect(await axeViolations(resident)).toEqual([]);

      // The other conversation's resident saw nothing of it (its widget is where it was).
      expect(await residentWidget(other.page).getByText(ASKED).count()).toBe(0);
      await residentWidget(other.page).getByRole('button', { name: 'Yivi' }).waitFor();

      await logInWithPopup(resident, 'DigiD');
      await resident.getByText('U bent ingelogd.').waitFor();
      await agentElement(console).getByText('Geverifieerd', { exact: true }).waitFor();
      await agentElement(console).getByText(/De inwoner is begonnen met inloggen voor: Vergunning aanvragen/).waitFor();
      expect(await agentElement(console).locator('[part~="subject"]').innerText()).toBe('Onderwerp: Vergunning aanvragen');

      // The BSN is a link to the case, opening in a new tab, the BSN in the fragment only.
      const link = agentElement(console).locator('[part~="case-link"]');
      const href = await link.getAttribute('href');
      expect(href).toBe(`${run.demo.urls.chat}/zaak/#bsn=${DEMO_TEST_PERSON.bsn}`);
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      const casePage = await employee.context.newPage();
      await casePage.goto(href!);
      await casePage.getByText(`Dossier van de persoon met BSN ${DEMO_TEST_PERSON.bsn}.`).waitFor();
      expect(await axeViolations(console)).toEqual([]);

      const conversation = new URL(await console.url()).searchParams.get('conversation');
      await expect
        .poll(() => run.demo.webhooks.filter((event) => event.conversation === conversation).map((event) => event.type), { timeout: 30_000 })
        .toEqual(['verification.requested', 'identity.verified']);
      expectNoProblems(run.visit, employee, other);
      // Neither a ticket nor the BSN travels in a URL a server sees.
      withRequestedUrls(employee, (urls) => expect(urls.filter((url) => url.includes('eyJ') || url.split('#')[0]!.includes(DEMO_TEST_PERSON.bsn!))).toEqual([]));
    } finally {
      await Promise.all([employee.context.close(), other.context.close()]);
    }
  });

  it('the resident may say not now: the console says so, and may ask again', async () => {
    const resident = run.visit.page;
    await openChat(resident, run.demo.urls.chat);
    const { employee, page: console } = await openConsoleFor(run.browser, run.demo.urls.chat, resident);
    try {
      await ask(console, 'Een persoonlijke vraag');
      await residentWidget(resident).getByText(ASKED).waitFor();
      await residentWidget(resident).getByRole('button', { name: 'Nu niet' }).click();
      await agentElement(console).getByText('De inwoner wil nu niet inloggen.').waitFor();
      // The chat's widget is back where it was: its own methods.
      await residentWidget(resident).getByRole('button', { name: 'Yivi' }).waitFor();
      expect(await residentWidget(resident).getByText(ASKED).count()).toBe(0);

      expect(await agentElement(console).getByRole('button', { name: 'Vraag om inloggen' }).isDisabled()).toBe(false);
      await ask(console, 'Een persoonlijke vraag');
      await residentWidget(resident).getByText(ASKED).waitFor();
      expectNoProblems(run.visit, employee);
    } finally {
      await employee.context.close();
    }
  });
});
