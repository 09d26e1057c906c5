/** Theming from the host page: custom properties, ::part and the theme attribute. */
import { expect } from '@open-wc/testing';
import { button, cleanUp, mount, part, waitForState } from '../support/browser.js';
import { contrast } from '../support/contrast.js';

describe('theming', () => {
  let style: HTMLStyleElement | undefined;
  afterEach(async () => {
    style?.remove();
    await cleanUp();
  });

  it('takes colour, radius and font from --id-contact-* properties', async () => {
    style = document.createElement('style');
    style.textContent = `id-contact-auth {
      --id-contact-accent: rgb(1, 2, 3);
      --id-contact-on-accent: rgb(255, 255, 255);
      --id-contact-radius: 0px;
      --id-contact-font: 20px serif;
    }`;
    document.head.append(style);
    const { el } = await mount({ backend: 'http://127.0.0.1:9' });
    await waitForState(el, 'error');
    const retry = getComputedStyle(button(el, 'Opnieuw proberen'));
    expect(retry.backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(retry.borderTopLeftRadius).to.equal('0px');
    expect(getComputedStyle(part(el, 'container')).fontSize).to.equal('20px');
  });

  it('exposes its parts to ::part rules', async () => {
    style = document.createElement('style');
    style.textContent = `id-contact-auth::part(method) { text-transform: uppercase; }
      id-contact-auth::part(status) { letter-spacing: 3px; }`;
    document.head.append(style);
    const { el } = await mount();
    await waitForState(el, 'choosing');
    expect(getComputedStyle(part(el, 'method')).textTransform).to.equal('uppercase');
    expect(getComputedStyle(part(el, 'status')).letterSpacing).to.equal('3px');
  });

  it('theme="dark" switches the defaults without the page’s media query', async () => {
    const { el } = await mount();
    await waitForState(el, 'choosing');
    const light = getComputedStyle(part(el, 'container')).backgroundColor;
    el.setAttribute('theme', 'dark');
    const dark = getComputedStyle(part(el, 'container')).backgroundColor;
    expect(light).to.equal('rgb(255, 255, 255)');
    expect(dark).to.equal('rgb(27, 27, 31)');
  });

  for (const [background, theme] of [
    ['#fdf6e3', 'dark'],
    ['#fdf6e3', 'light'],
    ['#172a3a', 'light'],
    ['#172a3a', 'dark'],
  ] as const) {
    it(`with only --id-contact-background ${background}, theme="${theme}": text, error and button stay at 4.5:1`, async () => {
      style = document.createElement('style');
      style.textContent = `id-contact-auth { --id-contact-background: ${background}; }`;
      document.head.append(style);
      const { el } = await mount({ backend: 'http://127.0.0.1:9' });
      el.setAttribute('theme', theme);
      await waitForState(el, 'error');
      const box = getComputedStyle(part(el, 'container'));
      const retry = getComputedStyle(button(el, 'Opnieuw proberen'));
      expect(contrast(box.color, box.backgroundColor)).to.be.at.least(4.5);
      expect(contrast(getComputedStyle(part(el, 'status')).color, box.backgroundColor)).to.be.at.least(4.5);
      expect(contrast(retry.color, retry.backgroundColor)).to.be.at.least(4.5);
    });
  }
});
