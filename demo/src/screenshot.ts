/**
 * `npm run screenshot`: the README's pictures, made by going through the flow
 * in headless Chromium like the two people would. Runs the demo on free ports
 * with throwaway keys.
 * - docs/demo-chat.png: the resident's chat after verification;
 * - docs/demo-both-sides.png: that chat beside the employee console, which
 *   shows what the backend sent the employee's side.
 */
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, ENGINES } from '../../testkit/engines/engines.ts';
import { EPHEMERAL_PORTS, startDemo } from './start-demo.ts';

const DOCS = new URL('../../docs/', import.meta.url).pathname;
const CHAT_ONLY = `${DOCS}demo-chat.png`;
const BOTH_SIDES = `${DOCS}demo-both-sides.png`;

const demo = await startDemo({ ports: EPHEMERAL_PORTS, keysDir: null });
const browser = await chromium.launch({
  executablePath: ENGINES.chromium.binary,
  args: CHROMIUM_ARGS,
});
try {
  // Two people, two browsers: the resident's context and the employee's share nothing.
  const resident = await browser.newContext({ locale: 'nl-NL', viewport: { width: 960, height: 1330 }, deviceScaleFactor: 2 });
  const employee = await browser.newContext({ locale: 'nl-NL', viewport: { width: 640, height: 1330 }, deviceScaleFactor: 2 });
  const page = await resident.newPage();
  await page.goto(demo.urls.chat);
  const consoleHref = await page.getByRole('link', { name: 'Medewerkersscherm' }).getAttribute('href');
  const console_ = await employee.newPage();
  await console_.goto(new URL(consoleHref!, demo.urls.chat).href);
  await console_.locator('id-contact-agent').getByText('Nog niemand ingelogd in dit gesprek').waitFor();

  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Yivi' }).click();
  const login = await popup;
  await login.getByRole('button', { name: /^Log in as / }).click();

  await page.getByText('Identiteit geverifieerd').waitFor();
  await page.getByText('Kan ik u nog ergens anders mee helpen?').waitFor();
  await page.locator('#typing').waitFor({ state: 'hidden' });
  await console_.locator('id-contact-agent').getByText('Geverifieerd', { exact: true }).waitFor();

  mkdirSync(DOCS, { recursive: true });
  const chatShot = await page.screenshot({ path: CHAT_ONLY });
  console.log(`Saved ${CHAT_ONLY}`);
  const consoleShot = await console_.screenshot();

  // Side by side on one canvas, with a caption over each.
  const canvas = await (await browser.newContext({ viewport: { width: 1640, height: 1400 }, deviceScaleFactor: 1 })).newPage();
  await canvas.setContent(`<!doctype html><meta charset="utf-8">
    <style>
      body { margin: 0; padding: 20px; background: #dfe4e8; font: 600 22px system-ui, sans-serif; color: #1c2329; display: flex; gap: 20px; align-items: flex-start; }
      figure { margin: 0; display: flex; flex-direction: column; gap: 10px; }
      img { display: block; border: 1px solid #9aa5ae; border-radius: 8px; background: #fff; }
    </style>
    <figure><figcaption>De inwoner: de chat van de gemeente</figcaption><img width="960" src="data:image/png;base64,${chatShot.toString('base64')}"></figure>
    <figure><figcaption>De medewerker: wat de backend doorgaf</figcaption><img width="620" src="data:image/png;base64,${consoleShot.toString('base64')}"></figure>`);
  await canvas.locator('body').screenshot({ path: BOTH_SIDES });
  console.log(`Saved ${BOTH_SIDES}`);
} finally {
  await browser.close();
  await demo.close();
}
