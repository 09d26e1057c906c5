/**
 * What the test kit needs from an engine's automation protocol, for one
 * window: puppeteer-driver.ts (Chromium, and Firefox over WebDriver BiDi) and
 * webdriver-driver.ts (WebKitGTK over classic WebDriver) implement it;
 * page.ts builds the Playwright-like Page and Locator on it.
 */
import type { QueryStep } from './page-query.ts';

export interface WindowDriver {
  goto(url: string): Promise<void>;
  url(): Promise<string>;
  reload(): Promise<void>;
  /** Runs `source`, a JavaScript expression, in the page and gives its JSON-able value. */
  evaluate<T>(source: string): Promise<T>;
  /** A trusted click at the centre of the first element the steps find (scrolled into view). */
  click(steps: QueryStep[]): Promise<void>;
  /** Replaces the text of the input or textarea the steps find, as typing would. */
  fill(steps: QueryStep[], text: string): Promise<void>;
  /** Presses a key (`Enter`, `Tab`) in the page's focused element. */
  press(key: string): Promise<void>;
  setViewport(viewport: { width: number; height: number; touch?: boolean }): Promise<void>;
  screenshot(): Promise<Uint8Array>;
  /** Resolves once a new window this one opened appears. */
  nextPopup(): Promise<WindowDriver>;
  /** Resolves once the window has closed. */
  closed(): Promise<void>;
  isClosed(): boolean;
  close(): Promise<void>;
  /** Cookies the browser would send to this URL, as a Cookie header. */
  cookieHeader(url: string): Promise<string>;
}

export interface BrowserDriver {
  /** A fresh, isolated browsing context (cookies, storage) with one window. */
  newContext(): Promise<ContextDriver>;
  close(): Promise<void>;
}

export interface ContextDriver {
  newWindow(): Promise<WindowDriver>;
  /** Page errors and console errors of every window so far; undefined where the protocol cannot tell. */
  readonly problems: string[] | undefined;
  /** Every URL requested so far, popups included; undefined where the protocol cannot tell. */
  readonly requestedUrls: string[] | undefined;
  onRequest(listener: (url: string) => void): void;
  close(): Promise<void>;
}
