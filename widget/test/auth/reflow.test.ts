/**
 * The verified details reflow (WCAG 1.4.10): at 320 px, and narrower, the
 * label goes above its value, nothing overflows the widget, and a value
 * splits only between words (a BSN or an e-mail address stays whole).
 */
import { expect } from '@open-wc/testing';
import type { IdContactAuth } from '../../src/id-contact-auth.js';
import { cleanUp, login, methodButton, mount, part, parts, press, waitForState } from '../support/browser.js';

async function loggedIn(lang: string, width: string) {
  const { el } = await mount({ lang });
  el.style.width = width;
  await waitForState(el, 'choosing');
  await press(methodButton(el, 'irma'));
  await waitForState(el, 'waiting');
  await login('succes');
  await waitForState(el, 'success');
  return el;
}

/** How many lines an element's text takes. */
function lines(element: Element): number {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}

function expectNoOverflow(el: IdContactAuth) {
  const box = part(el, 'container');
  const right = box.getBoundingClientRect().right;
  expect(box.scrollWidth, 'scroll width').to.be.at.most(box.clientWidth);
  for (const item of [...parts(el, 'attribute-label'), ...parts(el, 'attribute-value')]) {
    expect(item.getBoundingClientRect().right, item.textContent!).to.be.at.most(right);
    expect(item.scrollWidth, item.textContent!).to.be.at.most(item.clientWidth + 1);
  }
}

const valueOf = (el: IdContactAuth, text: string) => parts(el, 'attribute-value').find((dd) => dd.textContent === text)!;

// The layout follows the widget's own width (a container query), not the window's: each test sets
// the element's width, which also reaches below the narrowest window some engines allow (WebKitGTK 447 px).
describe('verified details reflow', () => {
  afterEach(cleanUp);

  it('at 320 px in English: labels above values, no overflow, a BSN and an e-mail address on one line', async () => {
    const el = await loggedIn('en', '320px');
    expect(el.getBoundingClientRect().width).to.be.at.most(320);
    expectNoOverflow(el);
    const [bsnLabel] = parts(el, 'attribute-label');
    expect(bsnLabel!.textContent).to.equal('Citizen service number (BSN)');
    const bsn = valueOf(el, '999993653');
    expect(bsn.getBoundingClientRect().top).to.be.at.least(bsnLabel!.getBoundingClientRect().bottom);
    expect(lines(bsn)).to.equal(1);
    expect(lines(valueOf(el, 'sanne@example.nl'))).to.equal(1);
    expect(lines(valueOf(el, 'Sanne de Vries'))).to.equal(1);
  });

  it('at 260 px in Dutch the BSN does not split', async () => {
    const el = await loggedIn('nl', '260px');
    expectNoOverflow(el);
    expect(lines(valueOf(el, '999993653'))).to.equal(1);
  });

  it('a value that cannot fit at all wraps inside the widget rather than overflow it', async () => {
    const el = await loggedIn('en', '200px');
    el.strings = { en: { labels: { remark: 'A remark' } } };
    await el.updateComplete;
    expectNoOverflow(el);
  });

  it('with room, the label is beside its value', async () => {
    const el = await loggedIn('en', '600px');
    const [label] = parts(el, 'attribute-label');
    const bsn = valueOf(el, '999993653');
    expect(Math.round(bsn.getBoundingClientRect().top)).to.equal(Math.round(label!.getBoundingClientRect().top));
  });
});
