/**
 * The engine this run tests (IDC_ENGINE: chromium, firefox or webkit) through
 * testkit/browser. Each test gets a fresh context (its own storage), which
 * records what a person would not see but a test should, where the engine's
 * protocol tells: page and console errors (CSP violations among them in
 * Chromium) and every URL the browser requested. WebKit's classic WebDriver
 * tells neither: there `problems` and `requestedUrls` are undefined.
 */
import { launchBrowser, type Browser } from '../../../testkit/browser/launch.ts';
import type { Context, Page } from '../../../testkit/browser/page.ts';

export { launchBrowser, type Browser };

export interface Visit {
  context: Context;
  page: Page;
  /** Uncaught exceptions and console errors, from every page of the context (undefined in WebKit). */
  problems: string[] | undefined;
  /** Every URL requested, popups included (undefined in WebKit). */
  requestedUrls: string[] | undefined;
}

export async function newVisit(browser: Browser): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  return { context, page, problems: context.problems, requestedUrls: context.requestedUrls };
}

/**
 * Checks that the visit recorded no page or console error. WebKit's classic
 * WebDriver reports neither, so there this checks nothing; Chromium's and
 * Firefox's runs hold every page to it.
 */
export function expectNoProblems(...visits: Array<{ problems: string[] | undefined }>): void {
  const all = visits.flatMap((visit) => visit.problems ?? []);
  if (all.length > 0) throw new Error(`problems in the browser:\n${all.join('\n')}`);
}

/**
 * The URLs the visit requested, for checks on them; WebKit's classic WebDriver
 * reports no requests, so there `check` does not run (Chromium's and Firefox's
 * runs do it).
 */
export function withRequestedUrls(visit: { requestedUrls: string[] | undefined }, check: (urls: string[]) => void): void {
  if (visit.requestedUrls !== undefined) check(visit.requestedUrls);
}

/** The address the page's document was loaded from, before any script changed it (all engines: Navigation Timing). */
export function loadedFrom(page: Page): Promise<string> {
  return page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).name);
}
