/**
 * Theming that cannot break, for both elements: a page that sets only one
 * colour of a pair still gets readable text (4.5:1), under the colour scheme
 * the browser was started with (this file runs in both profiles) and under
 * either `theme`; with nothing set, the defaults are exact. Contrast is
 * computed from the colours the engine computed (support/contrast.ts).
 */
import { expect } from '@open-wc/testing';
import type { IdContactAgent } from '../../src/id-contact-agent.js';
import type { IdContactAuth } from '../../src/id-contact-auth.js';
import { agentPart, behave, cleanUpAgent, identity, mountAgent, newTicket, push, shown, until, untilState } from '../support/agent.js';
import { button, cleanUp, expectRunPreferences, mount, pageScheme, part, waitForState } from '../support/browser.js';
import { contrast, srgb } from '../support/contrast.js';

const scheme = pageScheme();
const themes = [undefined, 'light', 'dark'] as const;
type Theme = (typeof themes)[number];

/** What a page might set alone; the dark ones are deliberately not the defaults. */
const LONE_SETTINGS = [
  '--id-contact-background: #fdf6e3',
  '--id-contact-background: #12303a',
  '--id-contact-color: #3b2f1e',
  '--id-contact-color: #f5ecd7',
  '--id-contact-accent: #ffd24d',
  '--id-contact-accent: #5b1f7a',
  '--id-contact-on-accent: #101010',
];

interface Elements {
  auth: IdContactAuth;
  agent: IdContactAgent;
  denied: IdContactAgent;
}

/** Each pair of colours that must be readable, as [what, text colour, background colour]. */
function pairs({ auth, agent, denied }: Elements): [string, string, string][] {
  const style = (el: Element) => getComputedStyle(el);
  const authBox = style(part(auth, 'container'));
  const agentBox = style(agentPart(agent, 'container'));
  const deniedBox = style(agentPart(denied, 'container'));
  const retry = style(button(auth, 'Opnieuw proberen'));
  const badge = style(agentPart(agent, 'badge'));
  return [
    ['auth text', authBox.color, authBox.backgroundColor],
    ['auth error', style(part(auth, 'status')).color, authBox.backgroundColor],
    ['auth primary button', retry.color, retry.backgroundColor],
    ['agent text', agentBox.color, agentBox.backgroundColor],
    ['agent verified badge', badge.color, badge.backgroundColor],
    ['agent error', style(agentPart(denied, 'status')).color, deniedBox.backgroundColor],
  ];
}

async function setTheme(els: Elements, theme: Theme) {
  for (const el of Object.values(els) as (IdContactAuth | IdContactAgent)[]) {
    if (theme) el.setAttribute('theme', theme);
    else el.removeAttribute('theme');
  }
  await Promise.all(Object.values(els).map((el: IdContactAuth | IdContactAgent) => el.updateComplete));
}

describe(`theming: one colour of a pair is enough (${scheme} colour scheme)`, () => {
  let style: HTMLStyleElement | undefined;
  let els: Elements;

  beforeEach(async () => {
    const { el: auth } = await mount({ backend: 'http://127.0.0.1:9' });
    const ticket = newTicket();
    await push(ticket, identity());
    const { el: agent } = await mountAgent({ ticket });
    const refused = newTicket();
    await behave(refused, { refuse: 'invalid_ticket' });
    const { el: denied } = await mountAgent({ ticket: refused });
    await waitForState(auth, 'error');
    await until(() => shown(agent)[0]?.verified, 'the verified identity');
    await untilState(denied, 'denied');
    els = { auth, agent, denied };
  });
  afterEach(async () => {
    style?.remove();
    style = undefined;
    cleanUpAgent();
    await cleanUp();
  });

  const setPage = (declaration: string) => {
    style?.remove();
    style = document.createElement('style');
    style.textContent = `id-contact-auth, id-contact-agent { ${declaration} }`;
    document.head.append(style);
  };

  it('the browser runs with the system preferences of this run', expectRunPreferences);

  for (const theme of themes) {
    const schemeHere = theme ?? scheme;
    it(`with nothing set, the ${schemeHere} defaults are exact (theme ${theme ?? 'unset'})`, async () => {
      await setTheme(els, theme);
      const defaults =
        schemeHere === 'light'
          ? { text: 'rgb(27, 27, 31)', background: 'rgb(255, 255, 255)', error: 'rgb(179, 38, 30)', ok: 'rgb(20, 108, 46)', accent: 'rgb(11, 87, 208)', onAccent: 'rgb(255, 255, 255)' }
          : { text: 'rgb(227, 227, 232)', background: 'rgb(27, 27, 31)', error: 'rgb(242, 184, 181)', ok: 'rgb(109, 213, 140)', accent: 'rgb(168, 199, 250)', onAccent: 'rgb(6, 46, 111)' };
      const box = getComputedStyle(part(els.auth, 'container'));
      const retry = getComputedStyle(button(els.auth, 'Opnieuw proberen'));
      expect({
        text: box.color,
        background: box.backgroundColor,
        error: getComputedStyle(part(els.auth, 'status')).color,
        ok: getComputedStyle(agentPart(els.agent, 'badge')).backgroundColor,
        accent: retry.backgroundColor,
        onAccent: retry.color,
      }).to.deep.equal(defaults);
    });

    it(`a page that sets one colour alone keeps every text at 4.5:1 or more (theme ${theme ?? 'unset'}: ${schemeHere})`, async () => {
      await setTheme(els, theme);
      const failures: string[] = [];
      for (const declaration of LONE_SETTINGS) {
        setPage(declaration);
        const [property, value] = declaration.split(': ') as [string, string];
        for (const [what, fg, bg] of pairs(els)) {
          const ratio = contrast(fg, bg);
          if (ratio < 4.5) failures.push(`${declaration}: ${what} ${ratio.toFixed(2)}:1 (${fg} on ${bg})`);
        }
        // What the page set is used as it is.
        const used = property.endsWith('background')
          ? getComputedStyle(part(els.auth, 'container')).backgroundColor
          : property.endsWith('-color')
            ? getComputedStyle(part(els.auth, 'container')).color
            : property.endsWith('on-accent')
              ? getComputedStyle(button(els.auth, 'Opnieuw proberen')).color
              : getComputedStyle(button(els.auth, 'Opnieuw proberen')).backgroundColor;
        expect(srgb(used), declaration).to.deep.equal(srgb(value));
      }
      expect(failures).to.deep.equal([]);
    });
  }
});
