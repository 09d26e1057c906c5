/**
 * WebKitGTK's MiniBrowser through its WebDriver (classic WebDriver, with
 * webdriverio). A driver takes one session, so each context starts its own
 * driver and browser. Classic WebDriver reaches a window only by switching to
 * it, so the commands of a session run one at a time, each in its window.
 * It tells nothing of console messages or requests: problems and requested
 * URLs are undefined here.
 */
import { remote } from 'webdriverio';
import { PROFILES } from '../engines/engines.ts';
import { startWebKitDriver } from '../engines/webkit-driver.ts';
import type { BrowserDriver, ContextDriver, WindowDriver } from './driver.ts';
import { LANGUAGE } from './puppeteer-driver.ts';
import { elementsExpression } from './query-source.ts';
import { webdriverKey } from './webdriver-keys.ts';
import type { QueryStep } from './page-query.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function launchWebDriver(): Promise<BrowserDriver> {
  const contexts = new Set<ContextDriver>();
  return {
    async newContext() {
      const context = await webdriverContext(() => contexts.delete(context));
      contexts.add(context);
      return context;
    },
    async close() {
      await Promise.all([...contexts].map((context) => context.close()));
    },
  };
}

async function webdriverContext(onClose: () => void): Promise<ContextDriver> {
  const driver = await startWebKitDriver(PROFILES.usual, LANGUAGE);
  const session = await remote({
    hostname: driver.hostname,
    port: driver.port,
    logLevel: 'silent',
    capabilities: driver.capabilities as WebdriverIO.Capabilities,
  });
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs `work` in `handle`'s window once the session's earlier commands are done. */
  const inWindow = <T>(handle: string, work: () => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      await session.switchToWindow(handle);
      return work();
    });
    queue = run.catch(() => undefined);
    return run;
  };
  const handles = () => {
    const run = queue.then(() => session.getWindowHandles());
    queue = run.catch(() => undefined);
    return run;
  };
  const elementId = async (steps: QueryStep[]) => {
    const reference = (await session.execute(`return ${elementsExpression(steps)}[0] ?? null`)) as unknown as Record<string, string> | null;
    if (!reference) throw new Error('no element to act on');
    return Object.values(reference)[0]!;
  };
  let first = true;
  const wrap = (handle: string): WindowDriver => {
    let closed = false;
    const isGone = async () => closed || !(await handles()).includes(handle);
    const self: WindowDriver = {
      goto: (url) => inWindow(handle, () => session.url(url).then(() => undefined)),
      url: () => inWindow(handle, () => session.getUrl()),
      reload: () => inWindow(handle, () => session.refresh()),
      evaluate: (source) => inWindow(handle, () => session.execute(`return (${source})`) as never),
      click: (steps) => inWindow(handle, async () => session.elementClick(await elementId(steps))),
      fill: (steps, text) =>
        inWindow(handle, async () => {
          const id = await elementId(steps);
          await session.elementClear(id);
          await session.elementSendKeys(id, text);
        }),
      press: (key) =>
        inWindow(handle, async () => {
          const value = webdriverKey(key);
          await session.performActions([{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] }]);
          await session.releaseActions();
        }),
      // MiniBrowser's window is at least 447 px wide: narrower asks get that.
      setViewport: ({ width, height }) => inWindow(handle, () => session.setWindowSize(width, height).then(() => undefined)),
      screenshot: () => inWindow(handle, async () => Buffer.from(await session.takeScreenshot(), 'base64')),
      async nextPopup() {
        const before = new Set(await handles());
        for (;;) {
          const added = (await handles()).find((candidate) => !before.has(candidate));
          if (added) return wrap(added);
          await sleep(100);
        }
      },
      async closed() {
        while (!(await isGone())) await sleep(100);
        closed = true;
      },
      isClosed: () => closed,
      async close() {
        if (await isGone()) return;
        await inWindow(handle, () => session.closeWindow());
        closed = true;
      },
      cookieHeader: () =>
        inWindow(handle, async () => {
          const cookies = await session.getAllCookies();
          return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
        }),
    };
    return self;
  };
  let closed = false;
  return {
    async newWindow() {
      // The session comes with a window: that is the context's first.
      if (first) {
        first = false;
        return wrap(await session.getWindowHandle());
      }
      const created = await session.createWindow('window');
      return wrap(created.handle);
    },
    problems: undefined,
    requestedUrls: undefined,
    onRequest: () => undefined,
    async close() {
      if (closed) return;
      closed = true;
      await session.deleteSession().catch(() => undefined);
      driver.close();
      onClose();
    },
  };
}
