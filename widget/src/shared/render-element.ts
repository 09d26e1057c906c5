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

/**
 * A class after `finalize`: `attributes` maps an attribute to its property,
 * `declared` maps every declared property to the attribute it reflects to
 * ('' when it does not).
 */
type Finalized = typeof RenderElement & { attributes: Map<string, string>; declared: Map<string, string>; sheet?: CSSStyleSheet };

export abstract class RenderElement extends HTMLElement {
  static properties: PropertyDeclarations = {};
  static styles = '';

  /** Called by customElements.define: declared properties become accessors. */
  static get observedAttributes(): string[] {
    return [...finalize(this).attributes.keys()];
  }

  /** Whether the element rendered at least once. */
  hasUpdated = false;
  private readonly values = new Map<string, unknown>();
  private changed: PropertyValues = new Map();
  private pending = false;
  private updatePromise: Promise<boolean>;
  private enableUpdating!: (ready: boolean) => void;
  /** Values set on the element before it was upgraded: they shadow the accessors until moved. */
  private early?: [string, unknown][];

  constructor() {
    super();
    const self = this as unknown as Record<string, unknown>;
    for (const name of finalize(this.constructor as typeof RenderElement).declared.keys()) {
      if (Object.hasOwn(this, name)) (this.early ??= []).push([name, self[name]]), delete self[name];
    }
    // Nothing renders before the element is first connected, as in Lit.
    this.updatePromise = new Promise((ready) => (this.enableUpdating = ready));
    this.requestUpdate();
  }

  /** Resolves after the pending render: true when no other is pending then. */
  get updateComplete(): Promise<boolean> {
    return this.updatePromise;
  }

  /** Renders again soon; `name` and `old` record a change for `willUpdate`. */
  requestUpdate(name?: PropertyKey, old?: unknown): void {
    if (name !== undefined && !this.changed.has(name)) this.changed.set(name, old);
    if (!this.pending) {
      this.pending = true;
      this.updatePromise = this.enqueue(this.updatePromise);
    }
  }

  connectedCallback(): void {
    if (!this.shadowRoot) adoptStyles(this.attachShadow({ mode: 'open' }), this.constructor as Finalized);
    this.enableUpdating(true);
  }

  disconnectedCallback(): void {}

  attributeChangedCallback(attribute: string, _old: string | null, value: string | null): void {
    const name = (this.constructor as Finalized).attributes.get(attribute);
    if (name) (this as unknown as Record<string, unknown>)[name] = value;
  }

  /** Before rendering, with what changed: the place to derive state from properties. */
  protected willUpdate(_changed: PropertyValues): void {}
  /** After rendering. */
  protected updated(_changed: PropertyValues): void {}
  protected abstract render(): unknown;

  private async enqueue(previous: Promise<boolean>): Promise<boolean> {
    try {
      await previous;
    } catch {
      // that render's error went to its own updateComplete
    }
    const changed = this.changed;
    try {
      for (const [name, value] of this.early?.splice(0) ?? []) (this as unknown as Record<string, unknown>)[name] = value;
      this.willUpdate(changed);
      const { declared } = this.constructor as Finalized;
      for (const name of changed.keys()) {
        const attribute = declared.get(name as string);
        const value = this.values.get(name as string);
        if (attribute) value == null ? this.removeAttribute(attribute) : this.setAttribute(attribute, String(value));
      }
      render(this.render(), this.shadowRoot!, { host: this });
    } finally {
      this.changed = new Map();
      this.pending = false;
    }
    this.hasUpdated = true;
    this.updated(changed);
    return !this.pending;
  }

  /** The setter behind a declared property. */
  private setProperty(name: string, value: unknown): void {
    const old = this.values.get(name);
    if (old === value) return;
    this.values.set(name, value);
    this.requestUpdate(name, old);
  }
}

/**
 * Once per class, parents first: accessors for its declared properties, and
 * which attribute sets which property.
 */
function finalize(element: typeof RenderElement): Finalized {
  const target = element as Finalized;
  if (Object.hasOwn(target, 'attributes')) return target;
  const parent = Object.getPrototypeOf(target) as typeof RenderElement;
  const inherited = parent === RenderElement ? undefined : finalize(parent);
  target.attributes = new Map(inherited?.attributes);
  target.declared = new Map(inherited?.declared);
  if (Object.hasOwn(target, 'properties')) {
    for (const [name, { attribute = name.toLowerCase(), reflect }] of Object.entries(target.properties)) {
      if (attribute) target.attributes.set(attribute, name);
      target.declared.set(name, reflect && attribute ? attribute : '');
      Object.defineProperty(target.prototype, name, {
        get(this: RenderElement) {
          return this['values'].get(name);
        },
        set(this: RenderElement, value: unknown) {
          this['setProperty'](name, value);
        },
        configurable: true,
        enumerable: true,
      });
    }
  }
  return target;
}

/** The class's styles, parsed once for all its instances where the browser can share a sheet. */
function adoptStyles(root: ShadowRoot, element: Finalized): void {
  if (root.adoptedStyleSheets) {
    if (!Object.hasOwn(element, 'sheet')) (element.sheet = new CSSStyleSheet()).replaceSync(element.styles);
    root.adoptedStyleSheets = [element.sheet!];
  } else {
    root.append(Object.assign(document.createElement('style'), { textContent: element.styles }));
  }
}
