/**
 * Chromium and Firefox through puppeteer-core: Chromium over the DevTools
 * protocol, Firefox ESR over WebDriver BiDi. Both tell of console messages,
 * page errors and requests, which the kit records per context.
 */
import * as puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, ENGINES, firefoxPrefs, PROFILES } from '../engines/engines.ts';
import type { BrowserDriver, ContextDriver, WindowDriver } from './driver.ts';
import { elementsExpression } from './query-source.ts';
import type { QueryStep } from './page-query.ts';

/** The browser's language in the e2e runs: Dutch, as the demo's residents'. */
export const LANGUAGE = 'nl-NL';

export async function launchPuppeteer(engine: 'chromium' | 'firefox'): Promise<BrowserDriver> {
  const browser = await puppeteer.launch(
    engine === 'chromium'
      ? {
          executablePath: ENGINES.chromium.binary,
          headless: true,
          // A Dutch browser, as the demo's residents have (Accept-Language, navigator.language).
          args: [...CHROMIUM_ARGS, `--lang=${LANGUAGE}`, `--accept-lang=${LANGUAGE},nl`],
          // Keep the popup blocker: a popup must come from a click, as in a person's browser.
          ignoreDefaultArgs: ['--disable-popup-blocking'],
        }
      : {
          browser: 'firefox',
          executablePath: ENGINES.firefox.binary,
          headless: true,
          extraPrefsFirefox: { ...firefoxPrefs(PROFILES.usual), 'intl.accept_languages': `${LANGUAGE}, nl`, 'intl.locale.requested': LANGUAGE },
        },
  );
  return {
    async newContext() {
      const context = await browser.createBrowserContext();
      return puppeteerContext(context, engine);
    },
    close: () => browser.close(),
  };
}

function puppeteerContext(context: puppeteer.BrowserContext, engine: 'chromium' | 'firefox'): ContextDriver {
  const problems: string[] = [];
  const requestedUrls: string[] = [];
  const requestListeners: Array<(url: string) => void> = [];
  const watched = new WeakSet<puppeteer.Page>();
  const watch = (page: puppeteer.Page) => {
    if (watched.has(page)) return;
    watched.add(page);
    page.on('pageerror', (error) => problems.push(`page error: ${(error as Error).message ?? String(error)}`));
    page.on('console', (message) => {
      const where = message.location().url || page.url();
      // The browser asks every site for a favicon by itself; the stand-ins have none.
      if (message.type() !== 'error' || new URL(where, 'http://x').pathname === '/favicon.ico') return;
      problems.push(`console error: ${message.text()} (${where})`);
    });
    page.on('request', (request) => {
      requestedUrls.push(request.url());
      for (const listener of requestListeners) listener(request.url());
    });
    page.on('popup', (popup) => popup && watch(popup));
  };
  const wrap = (page: puppeteer.Page): WindowDriver => {
    watch(page);
    const handleOf = async (steps: QueryStep[]) => {
      const handle = (await page.evaluateHandle(`${elementsExpression(steps)}[0]`)).asElement() as puppeteer.ElementHandle<Element> | null;
      if (!handle) throw new Error('no element to act on');
      return handle;
    };
    return {
      async goto(url) {
        await page.goto(url);
      },
      url: async () => page.url(),
      async reload() {
        await page.reload();
      },
      evaluate: (source) => page.evaluate(source) as never,
      async click(steps) {
        await (await handleOf(steps)).click();
      },
      async fill(steps, text) {
        const handle = await handleOf(steps);
        await handle.evaluate((element) => {
          (element as HTMLInputElement).focus();
          (element as HTMLInputElement).value = '';
        });
        await page.keyboard.type(text);
      },
      async press(key) {
        await page.keyboard.press(key as puppeteer.KeyInput);
      },
      async setViewport({ width, height, touch }) {
        // WebDriver BiDi sets the size only; touch emulation is Chromium's (the DevTools protocol).
        await page.setViewport(engine === 'chromium' && touch ? { width, height, hasTouch: true, isMobile: true } : { width, height });
      },
      screenshot: () => page.screenshot(),
      nextPopup: () => new Promise((resolve) => page.once('popup', (popup) => resolve(wrap(popup!)))),
      closed: () => (page.isClosed() ? Promise.resolve() : new Promise((resolve) => page.once('close', () => resolve()))),
      isClosed: () => page.isClosed(),
      async close() {
        if (!page.isClosed()) await page.close();
      },
      async cookieHeader(url) {
        const cookies = await page.cookies(url);
        return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
      },
    };
  };
  return {
    newWindow: async () => wrap(await context.newPage()),
    problems,
    requestedUrls,
    onRequest: (listener) => requestListeners.push(listener),
    close: () => context.close(),
  };
}
