/**
 * The Web Test Runner browser for each engine, started with a set of system
 * preferences (testkit/engines/engines.ts): Chromium and Firefox through
 * puppeteer-core (Firefox over WebDriver BiDi), WebKitGTK's MiniBrowser
 * through its WebDriver and webdriverio.
 */
import type { BrowserLauncher } from '@web/test-runner-core';
import { chromeLauncher } from '@web/test-runner-chrome';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import * as puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, ENGINES, firefoxPrefs, type EngineName, type Preferences } from '../../../testkit/engines/engines.ts';
import { startWebKitDriver } from '../../../testkit/engines/webkit-driver.ts';

export async function launcherFor(engine: string, preferences: Preferences): Promise<BrowserLauncher> {
  switch (engine as EngineName) {
    case 'chromium':
      return chromeLauncher({
        launchOptions: {
          executablePath: ENGINES.chromium.binary,
          args: ['--headless', ...CHROMIUM_ARGS],
          // Keep Chromium's popup blocker: the blocked-popup path is tested for real.
          ignoreDefaultArgs: ['--disable-popup-blocking'],
        },
        async createPage({ context }) {
          const page = await context.newPage();
          await page.emulateMediaFeatures([
            { name: 'prefers-color-scheme', value: preferences.colorScheme },
            { name: 'prefers-reduced-motion', value: preferences.reducedMotion ? 'reduce' : 'no-preference' },
          ]);
          return page;
        },
      });
    case 'firefox':
      return chromeLauncher({
        puppeteer: puppeteer as never,
        launchOptions: {
          browser: 'firefox',
          executablePath: ENGINES.firefox.binary,
          headless: true,
          extraPrefsFirefox: firefoxPrefs(preferences),
        },
      });
    case 'webkit': {
      const driver = await startWebKitDriver(preferences);
      return webdriverLauncher({
        automationProtocol: 'webdriver',
        hostname: driver.hostname,
        port: driver.port,
        // A window that closed itself while a command looked at it is expected, not worth a page of log.
        logLevel: 'silent',
        capabilities: driver.capabilities as WebdriverIO.Capabilities,
      });
    }
    default:
      throw new Error(`IDC_ENGINE: unknown engine ${engine} (known: ${Object.keys(ENGINES).join(', ')})`);
  }
}
