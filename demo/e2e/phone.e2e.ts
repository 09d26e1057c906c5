/**
 * `mode="auto"`, the widget's default (the demo chat sets no mode without
 * `?mode=`): on a phone (a touch screen, a narrow viewport) the login leaves
 * the page instead of opening a popup, which on a phone is a new tab that the
 * switch to the Yivi app and back loses. On a desktop it is a popup. And the
 * backend's return page speaks the widget's language, not the browser's.
 */
import { describe, expect, it } from 'vitest';
import { useDemoInChromium } from './support/demo-in-chromium.ts';
import { chooseMethodInPopup, EXPECTED_DETAILS, finishLogin, methodButton, openChat, verifiedDetails } from './support/resident.ts';

const run = useDemoInChromium();

describe('mode auto', () => {
  it('on a phone logs in by redirect, and the return page is Dutch like the widget, in an English browser', async () => {
    const context = await run.browser.newContext({ locale: 'en-GB', viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true });
    try {
      const page = await context.newPage();
      // The return page passes by (it sends the browser back at once): note where it was.
      const returnPages: string[] = [];
      context.on('request', (request) => {
        if (new URL(request.url()).pathname.startsWith('/return/')) returnPages.push(request.url());
      });
      let popups = 0;
      page.on('popup', () => popups++);
      await openChat(page, run.demo.urls.chat);
      expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);

      await methodButton(page, 'Yivi').click();
      await page.waitForURL(`${run.demo.urls.authPlugin}/login/**`);
      await finishLogin(page, 'log in');
      await page.waitForURL(`${run.demo.urls.chat}/`);
      expect(await verifiedDetails(page)).toEqual(EXPECTED_DETAILS);
      expect(popups).toBe(0);

      expect(returnPages).toHaveLength(1);
      // What that page says to this English browser (the session is still there in its grace period).
      // Asked with this browser's cookies: from anywhere else it would be a return in another browser.
      const returnPage = await (await context.request.get(returnPages[0]!, { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } })).text();
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
    expect(run.visit.problems).toEqual([]);
  });
});
