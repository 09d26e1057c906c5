/**
 * What the elements' base (shared/element.ts, a LitElement) must keep doing
 * for both elements, on test elements of its own: values set before the
 * element is defined are kept, one render per batch of changes,
 * `updateComplete`, attributes to properties (and reflection where asked,
 * as the agent's `theme`), styles adopted as one constructable sheet (what
 * passes a strict CSP: auth/script-tag.test.ts), errors of a render.
 */
import { expect } from '@open-wc/testing';
import { css, html, type PropertyDeclarations, type PropertyValues } from 'lit';
import { IdContactElement } from '../../src/shared/element.js';

let count = 0;
const uniqueTag = () => `test-element-${++count}`;

abstract class Base extends IdContactElement {
  static override properties: PropertyDeclarations = { label: {} };
  declare label: string | null | undefined;
}

class Probe extends Base {
  static override properties: PropertyDeclarations = {
    theme: { reflect: true },
    data: { attribute: false },
  };
  static override styles = css`:host{display:block;width:${123}px}p{color:rgb(1, 2, 3)}`;
  declare theme: string | null | undefined;
  declare data: unknown;
  renders = 0;
  seen: PropertyValues[] = [];
  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.seen.push(new Map(changed));
  }
  protected override focusFallback() {
    return null;
  }
  protected override render() {
    this.renders++;
    return html`<p>${this.label ?? ''}|${this.theme ?? ''}|${this.langAttribute ?? ''}</p>`;
  }
}

function define<T extends CustomElementConstructor>(element: T): string {
  const tag = uniqueTag();
  customElements.define(tag, class extends element {});
  return tag;
}

const text = (el: Element) => el.shadowRoot!.querySelector('p')!.textContent;

describe('the elements’ base (LitElement)', () => {
  const made: Element[] = [];
  const add = <T extends Element>(el: T): T => (made.push(el), document.body.append(el), el);
  afterEach(() => made.splice(0).forEach((el) => el.remove()));

  it('renders once per batch of changes, after the element is connected', async () => {
    const el = document.createElement(define(Probe)) as Probe;
    el.label = 'a';
    el.label = 'b';
    expect(el.renders).to.equal(0);
    add(el);
    expect(await el.updateComplete).to.equal(true);
    expect(el.renders).to.equal(1);
    expect(text(el)).to.equal('b||');
    el.label = 'c';
    el.theme = 'dark';
    await el.updateComplete;
    expect(el.renders).to.equal(2);
    expect(el.seen[1]).to.deep.equal(new Map<string, unknown>([['label', 'b'], ['theme', undefined]]));
    el.label = 'c'; // unchanged: no render
    await el.updateComplete;
    expect(el.renders).to.equal(2);
  });

  it('maps attributes to properties, parents’ declarations included, and reflects only what asks to', async () => {
    const el = add(document.createElement(define(Probe)) as Probe);
    el.setAttribute('label', 'x');
    el.setAttribute('lang', 'en');
    el.setAttribute('data', 'ignored');
    await el.updateComplete;
    expect([el.label, el.langAttribute, el.data]).to.deep.equal(['x', 'en', undefined]);
    expect(text(el)).to.equal('x||en');
    el.theme = 'dark';
    el.label = 'y';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(el.getAttribute('label')).to.equal('x');
    el.theme = undefined;
    await el.updateComplete;
    expect(el.hasAttribute('theme')).to.equal(false);
    el.removeAttribute('label');
    await el.updateComplete;
    expect(el.label).to.equal(null);
  });

  it('keeps a value set before the element was defined (a site whose script loads late)', async () => {
    const tag = uniqueTag();
    const el = add(document.createElement(tag)) as Probe;
    (el as unknown as Record<string, unknown>).label = 'early';
    (el as unknown as Record<string, unknown>).data = { a: 1 };
    customElements.define(tag, class extends Probe {});
    await (el as Probe).updateComplete;
    expect(Object.hasOwn(el, 'label')).to.equal(false);
    expect(el.data).to.deep.equal({ a: 1 });
    expect(text(el)).to.equal('early||');
    el.label = 'later';
    await el.updateComplete;
    expect(text(el)).to.equal('later||');
  });

  it('adopts its styles into an open shadow root, one sheet for every instance', async () => {
    const tag = define(Probe);
    const one = add(document.createElement(tag)) as Probe;
    const two = add(document.createElement(tag)) as Probe;
    await Promise.all([one.updateComplete, two.updateComplete]);
    expect(one.shadowRoot!.adoptedStyleSheets).to.have.length(1);
    expect(one.shadowRoot!.adoptedStyleSheets[0]).to.equal(two.shadowRoot!.adoptedStyleSheets[0]);
    expect(getComputedStyle(one).width).to.equal('123px');
    expect(getComputedStyle(one.shadowRoot!.querySelector('p')!).color).to.equal('rgb(1, 2, 3)');
  });

  it('a render that throws rejects its updateComplete and the next change renders again', async () => {
    class Fragile extends Probe {
      fail = false;
      protected override render() {
        if (this.fail) throw new Error('boom');
        return super.render();
      }
    }
    const el = add(document.createElement(define(Fragile)) as Fragile);
    await el.updateComplete;
    el.fail = true;
    el.label = 'bad';
    // Lit also rethrows it outside (the browser log shows it), so it is never lost.
    const error = await el.updateComplete.then(() => undefined, (e: Error) => e);
    expect(error?.message).to.equal('boom');
    el.fail = false;
    el.label = 'good';
    expect(await el.updateComplete).to.equal(true);
    expect(text(el)).to.equal('good||');
  });

  it('a change made while updated() runs renders again; updateComplete says so', async () => {
    class Again extends Probe {
      protected override updated(): void {
        if (this.label === 'first') this.label = 'second';
      }
    }
    const el = add(document.createElement(define(Again)) as Again);
    await el.updateComplete;
    el.label = 'first';
    expect(await el.updateComplete).to.equal(false);
    await el.updateComplete;
    expect(text(el)).to.equal('second||');
  });
});
