/**
 * `mode="auto"`, the widget's default (the demo chat sets no mode without
 * `?mode=`): on a phone (a touch screen, a narrow viewport) the login leaves
 * the page instead of opening a popup, which on a phone is a new tab that the
 * switch to the Yivi app and back loses. On a desktop it is a popup. And the
 * backend's return page speaks the widget's language, not the browser's.
 */
import { expectNoProblems } from './support/browser.ts';
import { describe, expect, it } from 'vitest';
import { useDemoInBrowser } from './support/demo-in-browser.ts';
import { chooseMethodInPopup, EXPECTED_DETAILS, finishLogin, methodButton, openChat, verifiedDetails } from './support/resident.ts';

const run = useDemoInBrowser();

describe('mode auto', () => {
  it('on a phone logs in by redirect, and the return page is Dutch like the widget, in an English browser', async () => {
    // 375 px (MiniBrowser's window is at least 447 px: still a phone's width to the widget, under 600 px).
    const context = await run.browser.newContext({ viewport: { width: 375, height: 740 }, hasTouch: true });
    try {
      const page = await context.newPage();
      // The return page passes by (it sends the browser back at once): note where it was.
      const returnPages: string[] = [];
      context.onRequest((url) => {
        if (new URL(url).pathname.startsWith('/return/')) returnPages.push(url);
      });
      let popups = 0;
      page.on('popup', () => popups++);
      await openChat(page, run.demo.urls.chat);
      // A touch screen can be emulated in Chromium only (the DevTools protocol); in Firefox and WebKit the
      // narrow window alone makes it a phone to the widget (flow.ts prefersRedirect: coarse pointer or < 600 px).
      if (run.browser.engine === 'chromium') expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
      expect(await page.evaluate(() => matchMedia('(max-width: 599.98px)').matches)).toBe(true);

      await methodButton(page, 'Yivi').click();
      await page.waitForURL(`${run.demo.urls.authPlugin}/login/**`);
      await finishLogin(page, 'log in');
      await page.waitForURL(`${run.demo.urls.chat}/`);
      expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
      expect(popups).toBe(0);

      // WebKit reports no requests, so it cannot tell which return page passed by; the page's language is the
      // backend's choice, not the engine's, and the other engines check it.
      if (context.requestedUrls === undefined) return;
      expect(returnPages).toHaveLength(1);
      // What that page says to an English browser (the session is still there in its grace period).
      // Asked with this browser's cookies: from anywhere else it would be a return in another browser.
      const response = await fetch(returnPages[0]!, { headers: { 'Accept-Language': 'en-GB,en;q=0.9', Cookie: await page.window.cookieHeader(returnPages[0]!) } });
      const returnPage = await response.text();
      expect(returnPage).toContain('<html lang="nl">');
      expect(returnPage).toContain('U bent klaar met inloggen.');
    } finally {
      await context.close();
    }
  });

  it('on a desktop (1100 px, a mouse) opens a popup', async () => {
    const { page } = run.visit;
    await openChat(page, run.demo.urls.chat);
    const login = await chooseMethodInPopup(page, 'Yivi');
    const closed = login.waitForEvent('close');
    await finishLogin(login, 'log in');
    await closed;
    expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
    expectNoProblems(run.visit);
  });
});
