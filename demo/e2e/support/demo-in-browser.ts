/**
 * The usual e2e setup: one demo (ephemeral ports, keys in memory) and one
 * browser of the run's engine per file, a fresh visit (context, page,
 * recorded problems) per test.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { EPHEMERAL_PORTS, startDemo, type Demo, type DemoOptions } from '../../src/start-demo.ts';
import { launchBrowser, newVisit, type Browser, type Visit } from './browser.ts';

export interface DemoInBrowser {
  readonly browser: Browser;
  readonly demo: Demo;
  readonly visit: Visit;
}

export function useDemoInBrowser(options: DemoOptions = {}): DemoInBrowser {
  let browser: Browser | undefined;
  let demo: Demo | undefined;
  let visit: Visit | undefined;
  beforeAll(async () => {
    [browser, demo] = await Promise.all([launchBrowser(), startDemo({ ports: EPHEMERAL_PORTS, keysDir: null, ...options })]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), demo?.close()]);
  });
  beforeEach(async () => {
    visit = await newVisit(browser!);
  });
  afterEach(async () => {
    await visit?.context.close();
  });
  return {
    get browser() {
      return browser!;
    },
    get demo() {
      return demo!;
    },
    get visit() {
      return visit!;
    },
  };
}
