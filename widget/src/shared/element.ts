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

/**
 * The colours follow `prefers-color-scheme` unless `theme` says `light` or `dark`; set one of a
 * pair and the other is derived from it to keep 4.5:1.
 *
 * @cssprop [--id-contact-color=#1b1b1f] - Text (dark scheme `#e3e3e8`)
 * @cssprop [--id-contact-background=#fff] - Background (dark scheme `#1b1b1f`)
 * @cssprop [--id-contact-accent=#0b57d0] - Primary buttons, links and the focus ring (dark scheme `#a8c7fa`)
 * @cssprop [--id-contact-on-accent=#fff] - Text on the accent (dark scheme `#062e6f`)
 * @cssprop [--id-contact-border-color=#74777f] - Borders of buttons and unverified entries (dark scheme `#8e9099`)
 * @cssprop [--id-contact-error-color=#b3261e] - Errors and failed logins (dark scheme `#f2b8b5`)
 * @cssprop [--id-contact-success-color=#146c2e] - Verified, and only that (dark scheme `#6dd58c`)
 * @cssprop [--id-contact-radius=8px] - Corner radius
 * @cssprop [--id-contact-font=inherit] - The `font` shorthand
 */
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
  /** The language (`lang` attribute): `nl` or `en` (any `en-*` counts as English); unset: the page's, else Dutch. */
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
