/**
 * Pages and locators with the shape of Playwright's, for the engines
 * Playwright cannot drive as Debian ships them: a test written against these
 * runs in Chromium, Firefox and WebKit alike (driver.ts). Locators find
 * elements by role and accessible name, text or CSS, looking into open shadow
 * roots (page-query.ts); actions are trusted input through the engine's
 * automation protocol; waits poll until what the test needs holds.
 */
import type { ContextDriver, WindowDriver } from './driver.ts';
import { textMatch, type QueryStep, type TextMatch } from './page-query.ts';
import { countsExpression, withElementsExpression } from './query-source.ts';

/** How long a wait or an action waits for its element, unless told otherwise. */
const DEFAULT_TIMEOUT_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => Promise<T | false | undefined>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined) return value;
    } catch (error) {
      lastError = error; // a page between two documents answers nothing
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${String(lastError)})` : ''}`);
    await sleep(50);
  }
}

/** Playwright's URL glob: `**` any characters, `*` any but `/`. */
function urlMatcher(pattern: string | RegExp | ((url: URL) => boolean)): (url: string) => boolean {
  if (typeof pattern === 'function') return (url) => pattern(new URL(url));
  if (pattern instanceof RegExp) return (url) => pattern.test(url);
  const source = pattern
    .split('**')
    .map((part) => part.split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (url) => regex.test(url);
}

export interface RoleOptions {
  name?: string | RegExp;
  exact?: boolean;
}

export class Locator {
  constructor(
    private readonly window: WindowDriver,
    private readonly steps: QueryStep[],
  ) {}

  private with(step: QueryStep): Locator {
    return new Locator(this.window, [...this.steps, step]);
  }

  getByRole(role: string, options: RoleOptions = {}): Locator {
    return this.with({ kind: 'role', role, name: options.name === undefined ? undefined : textMatch(options.name, options.exact) });
  }

  getByText(text: string | RegExp, options: { exact?: boolean } = {}): Locator {
    return this.with({ kind: 'text', text: textMatch(text, options.exact) });
  }

  /** CSS; a descendant combinator (a space) also looks into shadow roots, as Playwright's does. */
  locator(selector: string, options: { hasText?: string | RegExp } = {}): Locator {
    const plain = !/[>+~,"'[\]()]/.test(selector);
    const parts = plain ? selector.trim().split(/\s+/) : [selector];
    let located: Locator = this;
    parts.forEach((part, index) => {
      const last = index === parts.length - 1;
      located = located.with({ kind: 'css', selector: part, hasText: last && options.hasText !== undefined ? textMatch(options.hasText) : undefined });
    });
    return located;
  }

  filter(options: { visible?: boolean; hasText?: string | RegExp }): Locator {
    return this.with({ kind: 'filter', visible: options.visible, hasText: options.hasText === undefined ? undefined : (textMatch(options.hasText) as TextMatch) });
  }

  first(): Locator {
    return this.with({ kind: 'nth', index: 0 });
  }

  nth(index: number): Locator {
    return this.with({ kind: 'nth', index });
  }

  private counts(): Promise<{ all: number; shown: number }> {
    return this.window.evaluate(countsExpression(this.steps));
  }

  async count(): Promise<number> {
    return (await this.counts()).all;
  }

  async isVisible(): Promise<boolean> {
    return (await this.counts()).shown > 0;
  }

  /** Waits until an element is shown (`visible`, the default), attached, or none is shown or attached. */
  async waitFor(options: { state?: 'visible' | 'hidden' | 'attached' | 'detached'; timeout?: number } = {}): Promise<void> {
    const state = options.state ?? 'visible';
    await until(
      `${JSON.stringify(this.steps)} to be ${state}`,
      async () => {
        const { all, shown } = await this.counts();
        return state === 'visible' ? shown > 0 : state === 'hidden' ? shown === 0 : state === 'attached' ? all > 0 : all === 0;
      },
      options.timeout,
    );
  }

  /** This locator narrowed to its first shown element, once there is one. */
  private async shownFirst(): Promise<QueryStep[]> {
    await this.waitFor();
    return [...this.steps, { kind: 'filter', visible: true }, { kind: 'nth', index: 0 }];
  }

  async click(): Promise<void> {
    await this.window.click(await this.shownFirst());
  }

  async check(): Promise<void> {
    const steps = await this.shownFirst();
    const checked = await this.window.evaluate<boolean>(withElementsExpression(steps, '(elements) => elements[0].checked === true'));
    if (!checked) await this.window.click(steps);
  }

  async fill(text: string): Promise<void> {
    await this.window.fill(await this.shownFirst(), text);
  }

  /** Picks the option of a `<select>` whose text or value is `option`, as a user's choice does: `input` and `change` fire. */
  async selectOption(option: string): Promise<void> {
    const steps = await this.shownFirst();
    const picked = await this.window.evaluate<boolean>(
      withElementsExpression(
        steps,
        `(elements) => {
          const select = elements[0];
          const wanted = ${JSON.stringify(option)};
          const match = [...select.options].find((o) => o.value === wanted || o.textContent.trim() === wanted);
          if (!match) return false;
          select.value = match.value;
          select.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
          select.dispatchEvent(new Event('change', { bubbles: true }));
          return true;
        }`,
      ),
    );
    if (!picked) throw new Error(`no option ${JSON.stringify(option)} in the select`);
  }

  async press(key: string): Promise<void> {
    const steps = await this.shownFirst();
    await this.window.evaluate(withElementsExpression(steps, '(elements) => { elements[0].focus(); return true; }'));
    await this.window.press(key);
  }

  async inputValue(): Promise<string> {
    await this.waitFor({ state: 'attached' });
    return this.window.evaluate(withElementsExpression(this.steps, '(elements) => elements[0].value'));
  }

  async isDisabled(): Promise<boolean> {
    await this.waitFor({ state: 'attached' });
    return this.window.evaluate(withElementsExpression(this.steps, '(elements) => elements[0].disabled === true'));
  }

  async getAttribute(name: string): Promise<string | null> {
    await this.waitFor({ state: 'attached' });
    return this.window.evaluate(withElementsExpression(this.steps, `(elements) => elements[0].getAttribute(${JSON.stringify(name)})`));
  }

  async innerText(): Promise<string> {
    await this.waitFor({ state: 'attached' });
    return this.window.evaluate(withElementsExpression(this.steps, '(elements) => elements[0].innerText'));
  }

  allInnerTexts(): Promise<string[]> {
    return this.window.evaluate(withElementsExpression(this.steps, '(elements) => elements.map((element) => element.innerText)'));
  }

  async boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null> {
    return this.window.evaluate(
      withElementsExpression(this.steps, '(elements) => { if (!elements[0]) return null; const r = elements[0].getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }'),
    );
  }

  /** Runs `fn` (it must not use anything outside itself) on all the elements found. */
  evaluateAll<T>(fn: (elements: Element[]) => T): Promise<T> {
    return this.window.evaluate(withElementsExpression(this.steps, fn.toString()));
  }
}

type PageEvent = 'popup' | 'close';

export class Page {
  private popupListeners: Array<(popup: Page) => void> = [];
  private watchingPopups = false;

  constructor(
    readonly window: WindowDriver,
    readonly context: Context,
  ) {}

  private root(): Locator {
    return new Locator(this.window, []);
  }

  getByRole(role: string, options: RoleOptions = {}): Locator {
    return this.root().getByRole(role, options);
  }

  getByText(text: string | RegExp, options: { exact?: boolean } = {}): Locator {
    return this.root().getByText(text, options);
  }

  locator(selector: string, options: { hasText?: string | RegExp } = {}): Locator {
    return this.root().locator(selector, options);
  }

  async goto(url: string): Promise<void> {
    await this.window.goto(url);
  }

  getAttribute(selector: string, name: string): Promise<string | null> {
    return this.locator(selector).getAttribute(name);
  }

  /** The page's address (read from the browser; Playwright's is synchronous, this one is not). */
  url(): Promise<string> {
    return this.window.url();
  }

  reload(): Promise<void> {
    return this.window.reload();
  }

  title(): Promise<string> {
    return this.window.evaluate('document.title');
  }

  /** Runs `fn` in the page (it must not use anything outside itself); `arg` goes as JSON. */
  evaluate<T, A = undefined>(fn: ((arg: A) => T | Promise<T>) | string, arg?: A): Promise<T> {
    return this.window.evaluate(typeof fn === 'string' ? fn : `(${fn.toString()})(${JSON.stringify(arg ?? null)})`);
  }

  async waitForFunction<A = undefined>(fn: (arg: A) => unknown, arg?: A, options: { timeout?: number } = {}): Promise<void> {
    await until('a condition in the page', async () => Boolean(await this.evaluate(fn, arg)), options.timeout);
  }

  async waitForURL(pattern: string | RegExp | ((url: URL) => boolean), options: { timeout?: number } = {}): Promise<void> {
    const matches = urlMatcher(pattern);
    await until(`the URL ${String(pattern)}`, async () => matches(await this.window.url()), options.timeout);
  }

  /** `popup`: the next window this page opens; `close`: this page closing. Call before what causes it. */
  waitForEvent(event: 'popup', options?: { timeout?: number }): Promise<Page>;
  waitForEvent(event: 'close', options?: { timeout?: number }): Promise<void>;
  waitForEvent(event: PageEvent, options: { timeout?: number } = {}): Promise<Page | void> {
    const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
    const happened = event === 'popup' ? this.window.nextPopup().then((popup) => this.context.adopt(popup)) : this.window.closed();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${event}`)), timeoutMs);
    });
    return Promise.race([happened, timeout]).finally(() => clearTimeout(timer));
  }

  /** Calls `listener` for every window this page opens. */
  on(event: 'popup', listener: (popup: Page) => void): void {
    this.popupListeners.push(listener);
    if (this.watchingPopups) return;
    this.watchingPopups = true;
    const next = () => {
      this.window.nextPopup().then(
        (popup) => {
          const page = this.context.adopt(popup);
          for (const each of this.popupListeners) each(page);
          if (!this.window.isClosed()) next();
        },
        () => undefined,
      );
    };
    next();
  }

  setViewportSize(viewport: { width: number; height: number }): Promise<void> {
    return this.window.setViewport(viewport);
  }

  async screenshot(options: { path?: string } = {}): Promise<Uint8Array> {
    const image = await this.window.screenshot();
    if (options.path) (await import('node:fs')).writeFileSync(options.path, image);
    return image;
  }

  isClosed(): boolean {
    return this.window.isClosed();
  }

  close(): Promise<void> {
    return this.window.close();
  }
}

export interface ContextOptions {
  viewport?: { width: number; height: number };
  /** A touch screen (Chromium only: the other engines' protocols cannot emulate one). */
  hasTouch?: boolean;
}

export class Context {
  private readonly pages: Page[] = [];

  constructor(
    private readonly driver: ContextDriver,
    private readonly options: ContextOptions,
  ) {}

  /** Page errors and console errors of every page so far; undefined where the engine's protocol cannot tell (WebKit). */
  get problems(): string[] | undefined {
    return this.driver.problems;
  }

  /** Every URL requested so far, popups included; undefined where the engine's protocol cannot tell (WebKit). */
  get requestedUrls(): string[] | undefined {
    return this.driver.requestedUrls;
  }

  onRequest(listener: (url: string) => void): void {
    this.driver.onRequest(listener);
  }

  /** @internal A window the context's pages opened. */
  adopt(window: WindowDriver): Page {
    const page = new Page(window, this);
    this.pages.push(page);
    return page;
  }

  async newPage(): Promise<Page> {
    const window = await this.driver.newWindow();
    const viewport = this.options.viewport ?? { width: 1100, height: 900 };
    await window.setViewport({ ...viewport, touch: this.options.hasTouch });
    return this.adopt(window);
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
