/**
 * What the employee does: open the console the chat links to, in a browser of
 * their own (no cookie, no storage of the resident's), and look at its element.
 */
import { expect } from 'vitest';
import type { Locator, Page } from '../../../testkit/browser/page.ts';
import { newVisit, type Browser, type Visit } from './browser.ts';

export function agentElement(page: Page): Locator {
  return page.locator('id-contact-agent');
}

/** The console of the resident's conversation, by the chat's own link, once it shows nobody logged in yet. */
export async function openConsoleFor(browser: Browser, chatUrl: string, resident: Page): Promise<{ employee: Visit; page: Page }> {
  const href = await resident.getByRole('link', { name: 'Medewerkersscherm' }).getAttribute('href');
  expect(href).toMatch(/^\/agent\?conversation=/);
  const employee = await newVisit(browser);
  await employee.page.goto(new URL(href!, chatUrl).href);
  await agentElement(employee.page).getByText('Nog niemand ingelogd in dit gesprek').waitFor();
  return { employee, page: employee.page };
}
