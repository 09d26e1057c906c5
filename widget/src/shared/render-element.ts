/**
 * The part of LitElement the two elements use, over lit-html alone: declared
 * properties (attribute to property, optional reflection back), one render
 * a microtask after any change, `updateComplete` and `requestUpdate()` as in
 * Lit, the `willUpdate`/`updated` hooks, and styles adopted into an open
 * shadow root.
 *
 * Why not LitElement: ReactiveElement, LitElement and css-tag are about 2 KB
 * of a script-tag bundle whose budget is 12 KB gzip, and most of that is
 * what these elements never use (converters, typed attributes, controllers,
 * decorators, SSR hooks, dev-mode warnings). lit-html stays: it is the
 * rendering, and what is left is small enough to own.
 */
import { render } from 'lit/html.js';

export interface PropertyDeclaration {
  /** The attribute that sets it: the lower-cased name unless given; `false` for none. */
  readonly attribute?: string | false;
  /** Writes the value back to the attribute on each render (`theme`, for `:host([theme])`). */
  readonly reflect?: boolean;
}
export type PropertyDeclarations = Readonly<Record<string, PropertyDeclaration>>;
/** The properties changed since the last render, with their earlier values (`PropertyValues<this>`, as in Lit). */
export type PropertyValues<_T = unknown> = Map<PropertyKey, unknown>;

/** A stylesheet's text; `${}` takes other `css` strings (or numbers). */
export const css = (strings: TemplateStringsArray, ...values: (string | number)[]): string =>
  strings.reduce((text, part, i) => text + values[i - 1] + part);

/** Per class after `finalize`: every declared property, with its attribute ('' for none) and whether it reflects. */
type Declared = Map<string, readonly [attribute: string, reflect?: boolean]>;
type Finalized = typeof RenderElement & { declared: Declared; sheet?: CSSStyleSheet };
type Fields = Record<string, unknown>;

export abstract class RenderElement extends HTMLElement {
  static properties: PropertyDeclarations = {};
  static styles = '';

  /** Called by customElements.define: declared properties become accessors. */
  static get observedAttributes(): string[] {
    return [...RenderElement.#finalize(this).values()].map(([attribute]) => attribute).filter(Boolean);
  }

  /** Resolves after the pending render: true when no other is pending then. */
  updateComplete: Promise<boolean>;
  #values: Fields = {};
  #changed: PropertyValues = new Map();
  #pending = false;
  #enableUpdating!: (ready: boolean) => void;
  /** Values set on the element before it was upgraded: they shadow the accessors until moved. */
  #early: [string, unknown][] = [];

  constructor() {
    super();
    for (const name of RenderElement.#finalize(this.constructor as typeof RenderElement).keys()) {
      if (Object.hasOwn(this, name)) this.#early.push([name, (this as unknown as Fields)[name]]), delete (this as unknown as Fields)[name];
    }
    // Nothing renders before the element is first connected, as in Lit.
    this.updateComplete = new Promise((ready) => (this.#enableUpdating = ready));
    this.requestUpdate();
  }

  /** Renders again soon; `name` and `old` record a change for `willUpdate`. */
  requestUpdate(name?: PropertyKey, old?: unknown): void {
    if (name !== undefined && !this.#changed.has(name)) this.#changed.set(name, old);
    if (!this.#pending) {
      this.#pending = true;
      this.updateComplete = this.#enqueue(this.updateComplete);
    }
  }

  connectedCallback(): void {
    if (!this.shadowRoot) adoptStyles(this.attachShadow({ mode: 'open' }), this.constructor as Finalized);
    this.#enableUpdating(true);
  }

  disconnectedCallback(): void {}

  attributeChangedCallback(attribute: string, _old: string | null, value: string | null): void {
    for (const [name, [observed]] of (this.constructor as Finalized).declared) {
      if (observed === attribute) (this as unknown as Fields)[name] = value;
    }
  }

  /** Before rendering, with what changed: the place to derive state from properties. */
  protected willUpdate(_changed: PropertyValues): void {}
  /** After rendering. */
  protected updated(_changed: PropertyValues): void {}
  protected abstract render(): unknown;

  async #enqueue(previous: Promise<boolean>): Promise<boolean> {
    // That render's error went to its own updateComplete.
    await previous.catch(() => undefined);
    const changed = this.#changed;
    try {
      for (const [name, value] of this.#early.splice(0)) (this as unknown as Fields)[name] = value;
      this.willUpdate(changed);
      for (const [name, [attribute, reflect]] of (this.constructor as Finalized).declared) {
        const value = this.#values[name];
        if (reflect && changed.has(name)) value == null ? this.removeAttribute(attribute) : this.setAttribute(attribute, String(value));
      }
      render(this.render(), this.shadowRoot!, { host: this });
    } finally {
      this.#changed = new Map();
      this.#pending = false;
    }
    this.updated(changed);
    return !this.#pending;
  }

  /** Once per class, parents first: which properties it declares, and an accessor for each new one. */
  static #finalize(element: typeof RenderElement): Declared {
    const target = element as Finalized;
    if (Object.hasOwn(target, 'declared')) return target.declared;
    const parent = Object.getPrototypeOf(target) as typeof RenderElement;
    const declared: Declared = new Map(parent === RenderElement ? [] : RenderElement.#finalize(parent));
    for (const [name, { attribute = name.toLowerCase(), reflect }] of Object.entries(Object.hasOwn(target, 'properties') ? target.properties : {})) {
      declared.set(name, [attribute || '', reflect]);
      Object.defineProperty(target.prototype, name, {
        get(this: RenderElement) {
          return this.#values[name];
        },
        set(this: RenderElement, value: unknown) {
          const old = this.#values[name];
          if (old !== value) (this.#values[name] = value), this.requestUpdate(name, old);
        },
      });
    }
    return (target.declared = declared);
  }
}

/**
 * The class's styles, parsed once for all its instances. Every browser that
 * runs the bundle (class static blocks: Safari 16.4, Chrome 94, Firefox 93)
 * has constructable stylesheets, bar Firefox 93 to 100, long out of support;
 * and a sheet, unlike a <style> in the shadow root, passes a strict CSP.
 */
function adoptStyles(root: ShadowRoot, element: Finalized): void {
  if (!Object.hasOwn(element, 'sheet')) (element.sheet = new CSSStyleSheet()).replaceSync(element.styles);
  root.adoptedStyleSheets = [element.sheet!];
}
