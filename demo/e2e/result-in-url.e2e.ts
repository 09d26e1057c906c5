/**
 * The `?result=` route (DEMO_USE_ATTR_URL=0): the backend gives the core no
 * attr_url, so the auth plugin sends the encrypted result along with the
 * browser to the backend's return page, which takes it from the URL.
 */
import { expectNoProblems } from './support/browser.ts';
import { describe, expect, it } from 'vitest';
import { DEMO_TEST_PERSON } from '../../standins/auth-plugin/demo-test-person.ts';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import { EXPECTED_DETAILS, finishLogin, logInWithPopup, methodButton, openChat, verifiedDetails } from './support/resident.ts';

const run = useDemoInBrowser({ useAttrUrl: false });

function startRequests() {
  return run.demo.core.requests.filter((request) => request.method === 'POST' && request.path === '/start');
}

/** Return-page visits that carried a result in their URL. */
function resultsInUrls(): string[] {
  // WebKit reports no requests: there the checks on them are left to the other engines.
  if (!run.visit.requestedUrls) return [];
  return run.visit.requestedUrls.filter((url) => url.startsWith(`${run.demo.urls.backend}/return/`) && new URL(url).searchParams.has('result'));
}

describe('the result delivered as ?result= on the return page', () => {
  it('verifies the resident through a popup without any attr_url', async () => {
    const { page } = run.visit;
    const startsBefore = startRequests().length;
    await openChat(page, run.demo.urls.chat);
    await logInWithPopup(page, 'Yivi');

    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
    const starts = startRequests().slice(startsBefore);
    expect(starts).toHaveLength(1);
    expect(starts[0]!.body).not.toHaveProperty('attr_url');
    expect(run.demo.authPlugin.resultDeliveries).toEqual([]);
    if (run.visit.requestedUrls) expect(resultsInUrls()).toHaveLength(1);
    // Encrypted: the URL that carried the result does not show what is in it.
    if (run.visit.requestedUrls) expect(resultsInUrls()[0]).not.toContain(DEMO_TEST_PERSON.bsn!);
    expectNoProblems(run.visit);
  });

  it('verifies the resident in redirect mode, and the result does not stay in the address bar', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat, '?mode=redirect');
    await methodButton(page, 'DigiD').click();
    await page.waitForURL(`${run.demo.urls.authPlugin}/login/**`);
    await finishLogin(page, 'log in');
    await page.waitForURL(`${run.demo.urls.chat}/?mode=redirect`);

    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
    if (run.visit.requestedUrls) expect(resultsInUrls()).toHaveLength(1);
    expect((await page.url())).not.toContain('result=');
    expectNoProblems(run.visit);
  });
});
