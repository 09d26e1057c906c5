/**
 * What a resident does on the chat page, in the words they would use: open
 * the chat, choose a login method, log in (or not) on the test login page,
 * read the verified details. Locators go by role and visible text; the test kit
 * looks into the widget's open shadow root by itself.
 */
import type { Locator, Page } from '../../../testkit/browser/page.ts';
import { DEMO_TEST_PERSON } from '../../../standins/auth-plugin/demo-test-person.ts';

export const TEST_PERSON_NAME = DEMO_TEST_PERSON.fullname!;

export async function openChat(page: Page, chatUrl: string, query = ''): Promise<void> {
  await page.goto(`${chatUrl}/${query}`);
  await page.getByText('Wilt u zich hieronder even identificeren?').waitFor();
}

export function methodButton(page: Page, method: string): Locator {
  return page.getByRole('button', { name: method });
}

/** Clicks a method in the widget; in popup mode the login page opens in a popup. */
export async function chooseMethodInPopup(page: Page, method: string): Promise<Page> {
  const popup = page.waitForEvent('popup');
  await methodButton(page, method).click();
  const login = await popup;
  await login.getByRole('heading', { name: 'Test authentication' }).waitFor();
  return login;
}

/** On the test auth plugin's page: log in as the test person, or refuse. */
export async function finishLogin(login: Page, outcome: 'log in' | 'fail'): Promise<void> {
  const name = outcome === 'log in' ? `Log in as ${TEST_PERSON_NAME}` : 'Fail authentication';
  await login.getByRole('button', { name }).click();
}

/** The whole popup login: choose the method, log in (or fail), and see the popup close itself. */
export async function logInWithPopup(page: Page, method: string, outcome: 'log in' | 'fail' = 'log in'): Promise<void> {
  const login = await chooseMethodInPopup(page, method);
  const closed = login.waitForEvent('close');
  await finishLogin(login, outcome);
  await closed;
}

/** The conversation's messages as the resident reads them, in order. */
export function conversation(page: Page): Locator {
  return page.getByRole('log', { name: 'Gesprek' });
}

export function verifiedCard(page: Page): Locator {
  return conversation(page).locator('li', { hasText: 'Identiteit geverifieerd' });
}

/** Waits for the verified details in the chat and reads them as label → value. */
export async function verifiedDetails(page: Page): Promise<Record<string, string>> {
  const card = verifiedCard(page);
  await card.waitFor();
  const labels = await card.locator('dt').allInnerTexts();
  const values = await card.locator('dd').allInnerTexts();
  return Object.fromEntries(labels.map((label, index) => [label, values[index] ?? '']));
}

/** What the person sees once the test person is verified: the fields `report_move` asks for. */
export const EXPECTED_DETAILS = {
  Naam: DEMO_TEST_PERSON.fullname,
  BSN: DEMO_TEST_PERSON.bsn,
  'E-mailadres': DEMO_TEST_PERSON.email,
};

export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Uw bericht' }).fill(text);
  await page.getByRole('textbox', { name: 'Uw bericht' }).press('Enter');
}

export function agentSays(page: Page, text: string | RegExp): Locator {
  return conversation(page).locator('li.message--agent', { hasText: text });
}

export interface StartChoices {
  /** As the start page names them: a purpose, a way to talk, a login method. */
  purpose: string;
  contact: string;
  login: string;
}

/**
 * On the core's start page (the municipality's, in a real setup): pick a
 * subject, then a way to talk and a login method, and go on to the login.
 */
export async function startAtMunicipality(page: Page, startPageUrl: string, choices: StartChoices): Promise<void> {
  await page.goto(startPageUrl);
  await page.getByRole('radio', { name: choices.purpose }).check();
  await page.getByRole('button', { name: 'Verder' }).click();
  await page.getByRole('group', { name: 'Hoe wilt u contact?' }).getByRole('radio', { name: choices.contact }).check();
  await page.getByRole('group', { name: 'Hoe logt u in?' }).getByRole('radio', { name: choices.login }).check();
  await page.getByRole('button', { name: 'Inloggen en starten' }).click();
  await page.getByRole('heading', { name: 'Test authentication' }).waitFor();
}
