/**
 * The system Chromium, headless, through playwright-core. Each test gets a
 * fresh context (its own storage), and records what a person would not see
 * but a test should: page errors, console errors (CSP violations among
 * them) and every URL the browser requested.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ENGINES } from '../../../testkit/engines/engines.ts';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ENGINES.chromium.binary,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

export interface Visit {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors, from every page of the context. */
  problems: string[];
  /** Every URL requested, popups included. */
  requestedUrls: string[];
}

export async function newVisit(browser: Browser, options: { bypassCSP?: boolean } = {}): Promise<Visit> {
  const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1100, height: 900 }, ...options });
  const problems: string[] = [];
  const requestedUrls: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      const where = message.location().url || page.url();
      // The browser asks every site for a favicon by itself; the stand-ins have none.
      if (message.type() !== 'error' || new URL(where, 'http://x').pathname === '/favicon.ico') return;
      problems.push(`console error: ${message.text()} (${where})`);
    });
  };
  context.on('page', watch);
  context.on('request', (request) => requestedUrls.push(request.url()));
  const page = await context.newPage();
  return { context, page, problems, requestedUrls };
}
