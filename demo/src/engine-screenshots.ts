/**
 * `npm run screenshot:engines`: the resident's widget in every engine at a
 * desktop width (1280 px) and at the narrowest width each is tested at,
 * through the demo as a resident uses it: the chooser, the login (a popup on
 * the desktop; on a narrow screen the page itself goes to the login), the
 * verified result, and the error state (the core gone when a method is
 * chosen). Writes docs/engines/<engine>-<width>-<step>.png. The narrowest:
 * 320 px in Chromium and Firefox (WCAG's reflow width), 447 px in WebKit
 * (MiniBrowser's narrowest window).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as puppeteer from 'puppeteer-core';
import { remote } from 'webdriverio';
import { CHROMIUM_ARGS, ENGINES, firefoxPrefs, PROFILES, selectedEngines, type EngineName } from '../../testkit/engines/engines.ts';
import { startWebKitDriver } from '../../testkit/engines/webkit-driver.ts';
import { EPHEMERAL_PORTS, startDemo } from './start-demo.ts';

const DOCS = new URL('../../docs/engines/', import.meta.url).pathname;
const HEIGHT = 900;

/** What the script asks of a browser window, in every engine alike. */
interface Window {
  goto(url: string): Promise<void>;
  /** Runs in the page; `arg` is passed as JSON. */
  evaluate<T>(fn: (arg: string) => T, arg?: string): Promise<T>;
  /** A real click on the element `find` returns (it may look into shadow roots). */
  click(find: (arg: string) => Element | null | undefined, arg?: string): Promise<void>;
  screenshot(): Promise<Uint8Array>;
  /** The window the page opens next (a login popup). */
  nextWindow(): Promise<Window>;
}

interface Browser {
  open(width: number): Promise<Window>;
  close(): Promise<void>;
}

async function puppeteerBrowser(engine: 'chromium' | 'firefox'): Promise<Browser> {
  const browser = await puppeteer.launch(
    engine === 'chromium'
      ? { executablePath: ENGINES.chromium.binary, headless: true, args: CHROMIUM_ARGS, ignoreDefaultArgs: ['--disable-popup-blocking'] }
      : { browser: 'firefox', executablePath: ENGINES.firefox.binary, headless: true, extraPrefsFirefox: firefoxPrefs(PROFILES.usual) },
  );
  // Every page this script knows of; a popup is the page that is not among them.
  const known = new Set<puppeteer.Page>();
  const wrap = (page: puppeteer.Page): Window => ({
    async goto(url) {
      await page.goto(url);
    },
    evaluate: (fn, arg) => page.evaluate(fn, arg ?? '') as never,
    async click(find, arg) {
      const handle = (await page.evaluateHandle(find, arg ?? '')).asElement() as puppeteer.ElementHandle<Element> | null;
      if (!handle) throw new Error('nothing to click');
      await handle.click();
    },
    screenshot: () => page.screenshot(),
    async nextWindow() {
      const popup = await until('a popup', async () => (await browser.pages()).find((candidate) => !known.has(candidate)));
      known.add(popup);
      return wrap(popup);
    },
  });
  for (const page of await browser.pages()) known.add(page);
  return {
    async open(width) {
      const page = await browser.newPage();
      known.add(page);
      await page.setViewport({ width, height: HEIGHT });
      return wrap(page);
    },
    close: () => browser.close(),
  };
}

async function webkitBrowser(): Promise<Browser> {
  const driver = await startWebKitDriver(PROFILES.usual);
  const sessions: WebdriverIO.Browser[] = [];
  return {
    async open(width) {
      // The driver takes one session at a time: a new window ends the one before.
      await Promise.all(sessions.splice(0).map((session) => session.deleteSession().catch(() => undefined)));
      const session = await remote({
        hostname: driver.hostname,
        port: driver.port,
        logLevel: 'silent',
        capabilities: driver.capabilities as WebdriverIO.Capabilities,
        // A WebKitGTK screenshot of a page that came by a navigation to another origin never answers: give up on it.
        connectionRetryTimeout: 20_000,
        connectionRetryCount: 0,
      });
      sessions.push(session);
      await session.setWindowSize(width, HEIGHT);
      const wrap = (handle: string): Window => ({
        async goto(url) {
          await session.switchToWindow(handle);
          await session.url(url);
        },
        async evaluate(fn, arg) {
          await session.switchToWindow(handle);
          return session.execute(fn, arg ?? '') as never;
        },
        async click(find, arg) {
          await session.switchToWindow(handle);
          // A WebDriver element reference: {"element-6066-…": id}.
          const reference = (await session.execute(find, arg ?? '')) as unknown as Record<string, string> | null;
          if (!reference) throw new Error('nothing to click');
          await session.elementClick(Object.values(reference)[0]!);
        },
        async screenshot() {
          await session.switchToWindow(handle);
          return Buffer.from(await session.takeScreenshot(), 'base64');
        },
        async nextWindow() {
          for (let i = 0; i < 200; i++) {
            const other = (await session.getWindowHandles()).find((h) => h !== handle);
            if (other) {
              return wrap(other);
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          throw new Error('no popup opened');
        },
      });
      return wrap(await session.getWindowHandle());
    },
    async close() {
      await Promise.all(sessions.map((session) => session.deleteSession().catch(() => undefined)));
      driver.close();
    },
  };
}

const widgetState = () => (document.querySelector('id-contact-auth') as (Element & { state?: string }) | null)?.state ?? '';
const methodButton = (tag: string) => document.querySelector('id-contact-auth')?.shadowRoot?.querySelector(`button[data-tag="${tag}"]`);
const logInButton = () => document.querySelector('button[value="succes"]');
/** The chooser with every method's icon loaded. */
const chooserReady = () =>
  (document.querySelector('id-contact-auth') as (Element & { state?: string }) | null)?.state === 'choosing' &&
  [...(document.querySelector('id-contact-auth')?.shadowRoot?.querySelectorAll('img') ?? [])].every((image) => image.complete && image.naturalWidth > 0);
const isLoginPage = () => document.querySelector('button[value="succes"]') !== null;

async function until<T>(what: string, check: () => Promise<T | false | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined); // a page between two documents answers nothing
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function shoot(engine: EngineName, width: number): Promise<void> {
  const browser = engine === 'webkit' ? await webkitBrowser() : await puppeteerBrowser(engine);
  const demo = await startDemo({ ports: EPHEMERAL_PORTS, keysDir: null });
  const save = async (window: Window, step: string) => {
    const file = `${DOCS}${engine}-${width}-${step}.png`;
    try {
      writeFileSync(file, await window.screenshot());
      console.log(`Saved ${file}`);
    } catch (error) {
      console.log(`Not saved ${file}: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  try {
    const chat = await browser.open(width);
    await chat.goto(`${demo.urls.chat}/`);
    await until('the chooser', () => chat.evaluate(chooserReady));
    await save(chat, 'chooser');

    await chat.click(methodButton, 'irma');
    // On a desktop the login opens in a popup; on a narrow screen the page itself goes there.
    const login = width >= 600 ? await chat.nextWindow() : chat;
    await until('the login page', () => login.evaluate(isLoginPage));
    await save(login, 'login');
    await login.click(logInButton);
    await until('the verified result', async () => (await chat.evaluate(widgetState)) === 'success');
    await save(chat, 'success');

    const again = await browser.open(width);
    await again.goto(`${demo.urls.chat}/`);
    await until('the chooser', () => again.evaluate(chooserReady));
    await demo.core.close();
    await again.click(methodButton, 'irma');
    await until('the error state', async () => (await again.evaluate(widgetState)) === 'error');
    await save(again, 'error');
  } finally {
    await browser.close();
    await demo.close();
  }
}

mkdirSync(DOCS, { recursive: true });
const NARROWEST: Record<EngineName, number> = { chromium: 320, firefox: 320, webkit: 447 };
for (const engine of selectedEngines()) {
  for (const width of process.env.IDC_SHOT_WIDTHS ? process.env.IDC_SHOT_WIDTHS.split(',').map(Number) : [1280, NARROWEST[engine]]) await shoot(engine, width);
}
process.exit(0);
