/**
 * What the browser tests ask of the browser's windows from the Node side, in
 * every engine: which pages are open, closing the popups, clicking on the
 * login page wherever it opened (popup, tab, or the page itself), and the
 * keyboard. Puppeteer drives Chromium and Firefox, webdriverio WebKit.
 */
import type { Frame, Page } from 'puppeteer-core';
import { webdriverKey } from '../../../testkit/browser/webdriver-keys.ts';

export type LoginOutcome = 'succes' | 'failed';

/** A key, or modifiers and a key joined by `+` (`Shift+Tab`); `Space` is the space bar. */
export type KeyPress = string;

export interface TestWindows {
  /** The URLs of all open windows, the test page first. */
  urls(): Promise<string[]>;
  /** Closes every window but the test page, as a user closing them would. */
  closeOthers(): Promise<void>;
  /** Clicks the outcome's button on the newest login page whose URL starts with a prefix; false if none opened within 5 s. */
  clickLogin(prefixes: string[], outcome: LoginOutcome): Promise<boolean>;
  /**
   * Presses keys in the test page, bringing its window to the front first, as a person
   * returning from the login window would (an engine may not act on keys in a background window).
   */
  press(keys: KeyPress): Promise<void>;
}

interface Session {
  id: string;
  browser: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const keysOf = (press: KeyPress) => (press === '+' ? ['+'] : press.split('+'));

export function windowsOf(session: Session): TestWindows {
  const launcher = session.browser as { type: string };
  return launcher.type === 'webdriver' ? webdriverWindows(session) : puppeteerWindows(session);
}

function puppeteerWindows(session: Session): TestWindows {
  const mine = () => (session.browser as { getPage(id: string): Page }).getPage(session.id);
  const pages = async () => (await mine().browserContext().pages()).filter((page) => !page.isClosed());
  const loginFrame = async (prefixes: string[]): Promise<Frame | undefined> => {
    // Newest first: a window of an earlier, cancelled login may still be closing.
    for (const page of (await pages()).reverse()) {
      const frame = page.isClosed() ? undefined : page.frames().find((f) => prefixes.some((prefix) => f.url().startsWith(prefix)));
      if (frame) return frame;
    }
    return undefined;
  };
  return {
    async urls() {
      const all = await pages();
      // The target's URL: a popup that has just opened has no main frame to ask yet.
      return [mine(), ...all.filter((page) => page !== mine())].map((page) => page.target().url());
    },
    async closeOthers() {
      for (const page of await pages()) if (page !== mine()) await page.close().catch(() => undefined); // it may have closed itself meanwhile
    },
    async clickLogin(prefixes, outcome) {
      let frame: Frame | undefined;
      for (let i = 0; i < 100 && !(frame = await loginFrame(prefixes)); i++) await sleep(50);
      if (!frame) return false;
      await frame.waitForSelector(`button[value="${outcome}"]`);
      await Promise.all([frame.waitForNavigation().catch(() => undefined), frame.click(`button[value="${outcome}"]`)]);
      return true;
    },
    async press(press) {
      const keys = keysOf(press).map((key) => (key === 'Space' ? ' ' : key)) as never[];
      const page = mine();
      await page.bringToFront();
      const { keyboard } = page;
      const modifiers = keys.slice(0, -1);
      for (const key of modifiers) await keyboard.down(key);
      await keyboard.press(keys.at(-1)!);
      for (const key of modifiers.reverse()) await keyboard.up(key);
    },
  };
}

interface Driver {
  getWindowHandle(): Promise<string>;
  getWindowHandles(): Promise<string[]>;
  switchToWindow(handle: string): Promise<void>;
  getUrl(): Promise<string>;
  closeWindow(): Promise<unknown>;
  findElement(using: string, value: string): Promise<Record<string, string>>;
  elementClick(id: string): Promise<void>;
  performActions(actions: unknown[]): Promise<void>;
  releaseActions(): Promise<void>;
}

/**
 * WebDriver reaches another window only by switching to it; every switch is
 * undone before the command answers, because the runner drives the test page
 * through the current window.
 */
function webdriverWindows(session: Session): TestWindows {
  const driver = () => (session.browser as { driver: Driver }).driver;
  let testPage: string | undefined;
  const home = async () => (testPage ??= await driver().getWindowHandle());
  const inEach = async <T>(visit: (handle: string) => Promise<T | undefined>): Promise<T | undefined> => {
    const main = await home();
    try {
      for (const handle of (await driver().getWindowHandles()).reverse()) {
        // The window may close itself meanwhile (a login window does, once done).
        const found = await driver()
          .switchToWindow(handle)
          .then(() => visit(handle))
          .catch(() => undefined);
        if (found !== undefined) return found;
      }
      return undefined;
    } finally {
      await driver().switchToWindow(main);
    }
  };
  return {
    async urls() {
      const main = await home();
      const urls: string[] = [];
      let mainUrl = '';
      await inEach(async (handle) => {
        const url = await driver().getUrl();
        if (handle === main) mainUrl = url;
        else urls.push(url);
        return undefined;
      });
      return [mainUrl, ...urls.reverse()];
    },
    async closeOthers() {
      const main = await home();
      await inEach(async (handle) => {
        if (handle !== main) await driver().closeWindow();
        return undefined;
      });
    },
    async clickLogin(prefixes, outcome) {
      for (let i = 0; i < 100; i++) {
        const clicked = await inEach(async () => {
          const url = await driver().getUrl();
          if (!prefixes.some((prefix) => url.startsWith(prefix))) return undefined;
          const button = await driver().findElement('css selector', `button[value="${outcome}"]`);
          await driver().elementClick(Object.values(button)[0]!);
          // On once the page has left the login page (or closed itself).
          for (let j = 0; j < 100; j++) {
            const now = await driver().getUrl().catch(() => '');
            if (now !== url) break;
            await sleep(50);
          }
          return true;
        });
        if (clicked) return true;
        await sleep(50);
      }
      return false;
    },
    async press(press) {
      const keys = keysOf(press).map(webdriverKey);
      const modifiers = keys.slice(0, -1);
      const key = keys.at(-1)!;
      await driver().switchToWindow(await home());
      await driver().performActions([
        {
          type: 'key',
          id: 'keyboard',
          actions: [
            ...modifiers.map((value) => ({ type: 'keyDown', value })),
            { type: 'keyDown', value: key },
            { type: 'keyUp', value: key },
            ...modifiers.reverse().map((value) => ({ type: 'keyUp', value })),
          ],
        },
      ]);
      await driver().releaseActions();
    },
  };
}
