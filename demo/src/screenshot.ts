/**
 * `npm run screenshot`: docs/demo-chat.png, the chat after verification, as
 * the README shows it. Runs the demo on free ports with throwaway keys and
 * goes through the flow in headless Chromium like a resident would.
 */
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.ts';
import { EPHEMERAL_PORTS, startDemo } from './start-demo.ts';

const OUTPUT = new URL('../../docs/demo-chat.png', import.meta.url).pathname;

const demo = await startDemo({ ports: EPHEMERAL_PORTS, keysDir: null });
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_ARGS,
});
try {
  const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 960, height: 1330 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(demo.urls.chat);

  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Yivi' }).click();
  const login = await popup;
  await login.getByRole('button', { name: /^Log in as / }).click();

  await page.getByText('Identiteit geverifieerd').waitFor();
  await page.getByText('Kan ik u nog ergens anders mee helpen?').waitFor();
  await page.locator('#typing').waitFor({ state: 'hidden' });

  mkdirSync(new URL('.', `file://${OUTPUT}`).pathname, { recursive: true });
  await page.screenshot({ path: OUTPUT });
  console.log(`Saved ${OUTPUT}`);
} finally {
  await browser.close();
  await demo.close();
}
