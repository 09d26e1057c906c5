/**
 * `<id-contact-agent>` themed from the page: the same --id-contact-*
 * properties as the resident widget, its parts, and `theme`.
 */
import { expect } from '@open-wc/testing';
import { agentPart, cleanUpAgent, identity, mountAgent, newTicket, push, shown, until } from '../support/agent.js';
import { contrast } from '../support/contrast.js';

describe('agent: theming', () => {
  let style: HTMLStyleElement | undefined;
  afterEach(() => {
    style?.remove();
    cleanUpAgent();
  });

  it('takes colours, radius and font from the same --id-contact-* properties as the resident widget', async () => {
    style = document.createElement('style');
    style.textContent = `id-contact-agent {
      --id-contact-success-color: rgb(0, 90, 0);
      --id-contact-background: rgb(250, 250, 240);
      --id-contact-radius: 0px;
      --id-contact-font: 20px serif;
    }`;
    document.head.append(style);
    const ticket = newTicket();
    await push(ticket, identity());
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el).length === 1, 'the identity');
    const badge = getComputedStyle(agentPart(el, 'badge'));
    expect(badge.backgroundColor).to.equal('rgb(0, 90, 0)');
    expect(badge.color).to.equal('rgb(250, 250, 240)');
    expect(getComputedStyle(agentPart(el, 'identity')).borderTopColor).to.equal('rgb(0, 90, 0)');
    expect(getComputedStyle(agentPart(el, 'container')).borderTopLeftRadius).to.equal('0px');
    expect(getComputedStyle(agentPart(el, 'container')).fontSize).to.equal('20px');
  });

  it('exposes its parts to ::part rules, verified and unverified apart', async () => {
    style = document.createElement('style');
    style.textContent = `id-contact-agent::part(heading) { letter-spacing: 3px; }
      id-contact-agent::part(verified) { outline: 4px solid rgb(1, 2, 3); }
      id-contact-agent::part(unverified) { outline: 4px dotted rgb(3, 2, 1); }
      id-contact-agent::part(attribute-label) { text-transform: uppercase; }`;
    document.head.append(style);
    const ticket = newTicket();
    await push(ticket, identity({ id: 'a' }));
    await push(ticket, identity({ id: 'b', status: 'waiting' }));
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el).length === 2, 'both');
    const [verified, waiting] = el.shadowRoot!.querySelectorAll('[part~="identity"]');
    expect(getComputedStyle(agentPart(el, 'heading')).letterSpacing).to.equal('3px');
    expect(getComputedStyle(verified!).outlineColor).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(waiting!).outlineStyle).to.equal('dotted');
    expect(getComputedStyle(agentPart(el, 'attribute-label')).textTransform).to.equal('uppercase');
  });

  it('theme="dark" (attribute or property) switches the defaults without the page’s media query', async () => {
    const { el } = await mountAgent();
    const background = () => getComputedStyle(agentPart(el, 'container')).backgroundColor;
    expect(background()).to.equal('rgb(255, 255, 255)');
    el.theme = 'dark';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(background()).to.equal('rgb(27, 27, 31)');
  });

  for (const [background, theme] of [
    ['#fdf6e3', 'dark'],
    ['#fdf6e3', 'light'],
    ['#172a3a', 'light'],
    ['#172a3a', 'dark'],
  ] as const) {
    it(`with only --id-contact-background ${background}, theme="${theme}": text and the verified badge stay at 4.5:1`, async () => {
      style = document.createElement('style');
      style.textContent = `id-contact-agent { --id-contact-background: ${background}; }`;
      document.head.append(style);
      const ticket = newTicket();
      await push(ticket, identity());
      const { el } = await mountAgent({ ticket, theme });
      await until(() => shown(el).length === 1, 'the identity');
      const box = getComputedStyle(agentPart(el, 'container'));
      const badge = getComputedStyle(agentPart(el, 'badge'));
      expect(contrast(box.color, box.backgroundColor)).to.be.at.least(4.5);
      expect(contrast(badge.color, badge.backgroundColor)).to.be.at.least(4.5);
      expect(contrast(getComputedStyle(agentPart(el, 'attribute-value')).color, box.backgroundColor)).to.be.at.least(4.5);
    });
  }
});
