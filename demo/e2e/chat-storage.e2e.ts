/**
 * What the chat page keeps in the browser: the conversation, so a reload
 * (or redirect mode) does not lose it, but no personal data. After a login,
 * no value of the verified resident is in sessionStorage or localStorage;
 * after a reload the chat still shows that the resident was verified,
 * without the values.
 */
import type { Page } from '../../testkit/browser/page.ts';
import { expectNoProblems } from './support/browser.ts';
import { describe, expect, it } from 'vitest';
import { DEMO_TEST_PERSON } from '../../standins/auth-plugin/demo-test-person.ts';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import { agentSays, EXPECTED_DETAILS, logInWithPopup, openChat, sendMessage, verifiedCard, verifiedDetails } from './support/resident.ts';

const run = useDemoInBrowser();

const PERSONAL_VALUES = Object.values(DEMO_TEST_PERSON);

/** Everything the page keeps in sessionStorage and localStorage, as one string. */
function storedByPage(page: Page): Promise<string> {
  return page.evaluate(() => JSON.stringify({ session: { ...sessionStorage }, local: { ...localStorage } }));
}

describe('what the chat page keeps in browser storage', () => {
  it('keeps that the resident was verified, not who they are, and shows that after a reload', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    await logInWithPopup(page, 'Yivi');
    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
    // The agent's replies are stored when they are added, the name in the thanks among them.
    await agentSays(page, 'Kan ik u nog ergens anders mee helpen?').waitFor();

    const stored = await storedByPage(page);
    expect(stored).toContain('verified'); // the conversation itself is kept
    for (const value of PERSONAL_VALUES) expect(stored).not.toContain(value);

    await page.reload();
    const card = verifiedCard(page);
    await card.getByText('Deze pagina bewaart uw gegevens niet').waitFor();
    expect(await card.locator('dd').count()).toBe(0);
    for (const value of PERSONAL_VALUES) expect(await page.getByText(value).count()).toBe(0);
    await agentSays(page, /Dank u wel\. Ik zie uw verhuizing/).waitFor();
    // The agent still knows the resident is verified: no second request to log in.
    await sendMessage(page, 'Nog één vraag.');
    await agentSays(page, 'hier eindigt het gesprek').waitFor();
    for (const value of PERSONAL_VALUES) expect(await storedByPage(page)).not.toContain(value);
    expectNoProblems(run.visit);
  });
});
