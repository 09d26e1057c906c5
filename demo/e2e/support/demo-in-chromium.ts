/**
 * The usual e2e setup: one demo (ephemeral ports, keys in memory) and one
 * Chromium per file, a fresh visit (context, page, recorded problems) per test.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Browser } from 'playwright-core';
import { EPHEMERAL_PORTS, startDemo, type Demo, type DemoOptions } from '../../src/start-demo.ts';
import { launchChromium, newVisit, type Visit } from './chromium.ts';

export interface DemoInChromium {
  readonly browser: Browser;
  readonly demo: Demo;
  readonly visit: Visit;
}

export function useDemoInChromium(options: DemoOptions = {}): DemoInChromium {
  let browser: Browser | undefined;
  let demo: Demo | undefined;
  let visit: Visit | undefined;
  beforeAll(async () => {
    [browser, demo] = await Promise.all([launchChromium(), startDemo({ ports: EPHEMERAL_PORTS, keysDir: null, ...options })]);
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
