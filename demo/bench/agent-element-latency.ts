/**
 * `npm run bench:agent` (second part): from a result's arrival to the
 * identity shown in `<id-contact-agent>`, through the whole demo in headless
 * Chromium: the resident's login page posts the result to attr_url, the
 * employee's element (another browser context) shows it. Each figure runs
 * from the plugin's POST to the attr_url leaving to the element's
 * `id-contact-identity` event with status verified, on one clock (this
 * machine's). Prints figures; asserts nothing.
 */
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, ENGINES } from '../../testkit/engines/engines.ts';
import { EPHEMERAL_PORTS, startDemo } from '../src/start-demo.ts';

const COUNT = Number(process.env.BENCH_ELEMENT_COUNT ?? 20);

const demo = await startDemo({ ports: EPHEMERAL_PORTS, keysDir: null });
const browser = await chromium.launch({ executablePath: ENGINES.chromium.binary, args: CHROMIUM_ARGS });
const samples: number[] = [];
try {
  for (let i = 0; i < COUNT; i++) {
    const resident = await browser.newContext({ locale: 'nl-NL' });
    const employee = await browser.newContext({ locale: 'nl-NL' });
    const chat = await resident.newPage();
    await chat.goto(demo.urls.chat);
    const href = await chat.getByRole('link', { name: 'Medewerkersscherm' }).getAttribute('href');
    const console_ = await employee.newPage();
    await console_.goto(new URL(href!, demo.urls.chat).href);
    await console_.locator('id-contact-agent').getByText('Nog niemand ingelogd in dit gesprek').waitFor();
    const shown = console_.evaluate(
      () =>
        new Promise<number>((resolve) =>
          document.addEventListener('id-contact-identity', (event) => {
            if ((event as CustomEvent<{ identity: { status: string } }>).detail.identity.status === 'verified') resolve(Date.now());
          }),
        ),
    );
    const popup = chat.waitForEvent('popup');
    await chat.getByRole('button', { name: 'Yivi' }).click();
    const login = await popup;
    await login.getByRole('button', { name: /^Log in as / }).click();
    const shownAt = await shown;
    await chat.getByText('U bent ingelogd.').waitFor();
    const delivery = demo.authPlugin.resultDeliveries.at(-1)!;
    samples.push(shownAt - delivery.sentAt);
    await Promise.all([resident.close(), employee.close()]);
  }
} finally {
  await browser.close();
  await demo.close();
}

samples.sort((a, b) => a - b);
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
const mean = samples.reduce((sum, x) => sum + x, 0) / samples.length;
console.log(`From POST to attr_url (sent) to the identity shown in <id-contact-agent> (Chromium, the whole demo), ${samples.length} logins:`);
console.log(`identity in the employee's element    p50 ${at(0.5)} ms   p99 ${at(0.99)} ms   max ${samples.at(-1)} ms   mean ${mean.toFixed(1)} ms`);
