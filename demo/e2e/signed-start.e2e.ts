/**
 * The signed-start configuration (DEMO_SIGNED_START=1): the core refuses the
 * plain JSON start, as newer cores do, and the backend signs its start
 * request with its EC key under the name the core knows it by.
 */
import { expectNoProblems } from './support/browser.ts';
import { describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { START_KID } from '../src/start-demo.ts';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import { EXPECTED_DETAILS, logInWithPopup, openChat, verifiedDetails } from './support/resident.ts';

const run = useDemoInBrowser({ signedStart: true });

describe('the chat against a core that only takes signed starts', () => {
  it('has a core that refuses plain starts, so a login here can only come from a signed one', async () => {
    const response = await fetch(`${run.demo.urls.core}/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma', comm_url: `${run.demo.urls.backend}/return/x` }),
    });
    expect(response.status).toBe(400);
  });

  it('verifies the resident, with the start signed by the backend', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    await logInWithPopup(page, 'Yivi');

    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
    const starts = run.demo.core.requests.filter((request) => request.path === '/start' && request.contentType === 'application/jwt');
    expect(starts).toHaveLength(1);
    const jws = String(starts[0]!.body).trim();
    expect(decodeProtectedHeader(jws)).toMatchObject({ alg: 'ES256', kid: START_KID });
    expect(decodeJwt(jws)).toMatchObject({ request: { purpose: 'report_move', auth_method: 'irma' } });
    expectNoProblems(run.visit);
  });
});
