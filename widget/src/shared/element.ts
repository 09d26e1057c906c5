/**
 * What both elements do the same way: the `backend` and `lang` attributes
 * (following the page's `lang` when the element has none), typed events that
 * bubble out of the shadow root, and keeping keyboard focus inside when the
 * control that had it goes away. A LitElement, so what a Lit developer
 * expects works here too: reactive properties, controllers, `@lit/context`.
 */
import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';
import { langOf, normalizeLang, type Lang } from './i18n.js';

type Detail<K extends keyof GlobalEventHandlersEventMap> =
  GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never;

export abstract class IdContactElement extends LitElement {
  static override properties: PropertyDeclarations = {
    backend: {},
    // The native `lang` property stays; Lit only watches the attribute.
    langAttribute: { attribute: 'lang' },
  };

  /**
   * Backend used when the `backend` attribute is absent: set at registration
   * (shared/register.ts) to the origin the script was loaded from.
   */
  static defaultBackend = '';

  /** Base URL of the backend; defaults to where the script came from. */
  declare backend: string | undefined;
  declare langAttribute: string | null | undefined;

  #pageLang?: MutationObserver;
  #hadFocus = false;

  /** The language in use: the `lang` attribute, else the page's, else Dutch. */
  get locale(): Lang {
    return this.langAttribute ? normalizeLang(this.langAttribute) : langOf(this);
  }

  /** The backend in use: the attribute, else the script's origin, else the page's. */
  protected get backendUrl(): string {
    return this.backend || (this.constructor as typeof IdContactElement).defaultBackend || location.origin;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#pageLang = new MutationObserver(() => this.requestUpdate());
    this.#pageLang.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#pageLang?.disconnect();
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    // Not `:focus-within`: Firefox and WebKit do not match it while another window (the login
    // window) is active, though the control keeps its focus for when the page is active again.
    this.#hadFocus = this.shadowRoot?.activeElement != null;
  }

  protected override updated(): void {
    // Keep keyboard focus inside when the control that had it was replaced.
    if (this.#hadFocus && !this.shadowRoot!.activeElement) this.focusFallback()?.focus();
  }

  /** Where focus goes when the focused control went away. */
  protected abstract focusFallback(): HTMLElement | null | undefined;

  /** Dispatches a typed event that bubbles and crosses shadow roots. */
  protected emit<K extends keyof GlobalEventHandlersEventMap>(type: K, detail: Detail<K>): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}
