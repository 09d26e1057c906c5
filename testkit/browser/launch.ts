/**
 * A browser of the engine this run tests (`IDC_ENGINE`: chromium, the
 * default, firefox or webkit), through the kit's drivers.
 */
import type { EngineName } from '../engines/engines.ts';
import type { BrowserDriver } from './driver.ts';
import { Context, type ContextOptions } from './page.ts';
import { launchPuppeteer } from './puppeteer-driver.ts';
import { launchWebDriver } from './webdriver-driver.ts';

export interface Browser {
  readonly engine: EngineName;
  newContext(options?: ContextOptions): Promise<Context>;
  close(): Promise<void>;
}

export function engineOfRun(): EngineName {
  const engine = (process.env.IDC_ENGINE ?? 'chromium') as EngineName;
  if (!['chromium', 'firefox', 'webkit'].includes(engine)) throw new Error(`IDC_ENGINE: unknown engine ${engine}`);
  return engine;
}

export async function launchBrowser(engine: EngineName = engineOfRun()): Promise<Browser> {
  const driver: BrowserDriver = engine === 'webkit' ? await launchWebDriver() : await launchPuppeteer(engine);
  return {
    engine,
    newContext: async (options = {}) => new Context(await driver.newContext(), options),
    close: () => driver.close(),
  };
}
