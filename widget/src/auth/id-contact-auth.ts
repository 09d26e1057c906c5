/**
 * `<id-contact-auth>`: lets the user pick an authentication method, runs
 * the login in a popup (or by redirect) and shows the verified result.
 * Rendering only; the flow (flow.ts) drives the state machine (state.ts).
 * Registration is in define.ts, so importing this module has no side effects.
 */
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { AuthFlow, prefersRedirect } from './flow.js';
import { format, labelFor, stringsFor, type StringOverrides, type Strings } from './i18n.js';
import { IdContactElement } from '../shared/element.js';
import type { Context, Input, StateName } from './state.js';
import { styles } from './styles.js';
import type { Attributes, AuthMethod, VerificationRequest } from '../shared/wire.js';

export type { StateName } from './state.js';
export type { StringOverrides, Strings, Lang } from './i18n.js';
export type { Attributes, AuthMethod, VerificationRequest } from '../shared/wire.js';

export interface IdContactEventMap {
  'id-contact-state': CustomEvent<{ state: StateName }>;
  'id-contact-authenticated': CustomEvent<{ sessionId: string; attributes: Attributes }>;
  'id-contact-failed': CustomEvent<{ sessionId: string }>;
  'id-contact-error': CustomEvent<{ message: string }>;
  'id-contact-logout': CustomEvent<{ sessionId: string }>;
  /** An employee's request to log in is shown (`listen`). */
  'id-contact-request': CustomEvent<{ request: VerificationRequest }>;
}

declare global {
  interface HTMLElementTagNameMap {
    'id-contact-auth': IdContactAuth;
  }
  // 'id-contact-request' is both elements' (the agent's detail may be null): declared alike in both
  // files, since two types for one name make the global map invalid where both are imported.
  interface GlobalEventHandlersEventMap extends Omit<IdContactEventMap, 'id-contact-request'> {
    'id-contact-request': CustomEvent<{ request: VerificationRequest | null }>;
  }
}

const BUSY: ReadonlySet<StateName> = new Set([
  'idle',
  'loading',
  'attaching',
  'restoring',
  'starting',
  'redirecting',
  'waiting',
  'reconnecting',
]);

/**
 * The text of each error the resident can meet; any other says `error`.
 * `unknown_purpose` only the site can fix: nothing to retry. The chat link's
 * (`unknown_reference`, `bad_result`) have nothing to retry either: the way on
 * is a new login.
 */
const ERROR_TEXT: Record<string, keyof Strings> = {
  network: 'errorNetwork',
  stream: 'errorStream',
  unknown_purpose: 'errorPurpose',
  unknown_reference: 'linkUsed',
  bad_result: 'errorResult',
};
const SITE_ERROR = 'unknown_purpose';
const isLinkError = (code: string) => code === 'unknown_reference' || code === 'bad_result';

/** What the request is about: the core's name for its purpose, else the purpose's tag. */
const subjectOf = (ctx: Context) => ctx.request?.purpose_name || ctx.request?.purpose || '';

/**
 * The resident's login in a chat: lists the login methods for a purpose, runs the login in a popup
 * (or by redirect) and shows the verified result the moment it arrives.
 *
 * @tagname id-contact-auth
 * @summary Lets a resident prove who they are in the middle of a conversation.
 *
 * @attr theme - `light` or `dark`; unset follows `prefers-color-scheme`
 *
 * @fires {CustomEvent<{ state: StateName }>} id-contact-state - Every state change
 * @fires {CustomEvent<{ sessionId: string; attributes: Attributes }>} id-contact-authenticated - The identity is verified; `attributes` maps tags to values
 * @fires {CustomEvent<{ sessionId: string }>} id-contact-failed - The login did not succeed
 * @fires {CustomEvent<{ message: string }>} id-contact-error - Something went wrong (backend, core, network, a spent chat link); the element offers a retry or a new login
 * @fires {CustomEvent<{ sessionId: string }>} id-contact-logout - The resident logged out: forget what `id-contact-authenticated` gave you
 * @fires {CustomEvent<{ request: VerificationRequest }>} id-contact-request - An employee's request to log in is shown (`listen`)
 *
 * @csspart container - The box around everything
 * @csspart status - The status text (also the `aria-live` region)
 * @csspart methods - The list of login methods
 * @csspart method - Each method button
 * @csspart method-icon - A method's icon
 * @csspart method-name - A method's name
 * @csspart actions - The row of action buttons
 * @csspart button - Each action button (retry, another method, cancel, reopen, continue here, log out, log in again, not now)
 * @csspart intro - The line before the choice saying who sees the details
 * @csspart subject - The subject of an employee's request
 * @csspart contact - The contact line under an error
 * @csspart shared - "The employee can now see these details", after a login bound to a conversation
 * @csspart link - The "open the login page in a new tab" link
 * @csspart result - The list of verified attributes (`dl`)
 * @csspart attribute-label - One attribute's label
 * @csspart attribute-value - One attribute's value
 */
export class IdContactAuth extends IdContactElement {
  static override styles = styles;
  static override properties: PropertyDeclarations = {
    purpose: {},
    mode: {},
    ticket: {},
    listen: { type: Boolean },
    strings: { attribute: false },
  };

  /** The purpose (core's name for the subject of the conversation). Required. */
  declare purpose: string;
  /** `auto` (default: redirect on phones, else popup), `popup` or `redirect`. */
  declare mode: 'auto' | 'popup' | 'redirect';
  /**
   * A guest ticket from the site's own server: binds the login to the site's
   * conversation, so the employee there sees it. Sent on start and attach;
   * read when used, so a new one needs no restart.
   */
  declare ticket: string | undefined;
  /**
   * With a ticket: follow the conversation's requests while no login runs,
   * and show the employee's request to log in when one comes.
   */
  declare listen: boolean;
  /** Per-language overrides of the strings and attribute labels. */
  declare strings: StringOverrides | undefined;

  #flow?: AuthFlow;
  /** What the focused control said before this render. */
  #focusedLabel?: string | null;

  constructor() {
    super();
    this.purpose = '';
    this.mode = 'auto';
    this.listen = false;
  }

  /** The current state's name. */
  get state(): StateName {
    return this.#flow?.state ?? 'idle';
  }

  /**
   * Tells the backend the user did something meaningful (the chat calls this
   * when the user sends a message), so a login session at the auth plugin
   * stays alive. Cheap to call often: throttled, fire and forget, never throws.
   */
  reportActivity(): void {
    this.#flow?.reportActivity();
  }

  /** What the Logout button does: ends the login session and forgets the attributes. */
  logout(): void {
    this.#flow?.logout();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#flow?.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#flow?.stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.#focusedLabel = this.shadowRoot?.activeElement?.textContent;
    if (!this.#flow || changed.has('purpose') || changed.has('backend')) this.#restart();
    else if (changed.has('listen') || changed.has('ticket')) this.#flow.syncRequests();
  }

  #restart(): void {
    this.#flow?.stop();
    const backend = this.backendUrl;
    const host = this;
    const config = {
      backend,
      purpose: this.purpose,
      // read at each choice, so switching mode or ticket needs no restart
      get mode() {
        const { mode } = host;
        return mode === 'redirect' || (mode !== 'popup' && prefersRedirect()) ? ('redirect' as const) : ('popup' as const);
      },
      get lang() {
        return host.locale;
      },
      startingText: (method: AuthMethod) => format(stringsFor(host.locale, host.strings).text.starting, { method: method.name }),
      get ticket() {
        return host.ticket || undefined;
      },
      get listen() {
        return host.listen;
      },
    };
    const flow = new AuthFlow(config, (state, ctx, input) => {
      if (flow !== this.#flow) return;
      this.requestUpdate();
      this.#announce(state, ctx, input);
    });
    this.#flow = flow;
    if (this.isConnected) flow.start();
  }

  #announce(state: StateName, ctx: Context, input: Input): void {
    this.emit('id-contact-state', { state });
    if (input.type === 'request') this.emit('id-contact-request', { request: { ...input.request } });
    // Back to what was shown before the request: said once already.
    if (input.type === 'decline' || input.type === 'requestEnded') return;
    if (input.type === 'logout') this.emit('id-contact-logout', { sessionId: input.sessionId });
    const sessionId = ctx.session?.session_id ?? '';
    if (state === 'success') this.emit('id-contact-authenticated', { sessionId, attributes: { ...ctx.attributes } });
    if (state === 'failed') this.emit('id-contact-failed', { sessionId });
    if (state === 'error') this.emit('id-contact-error', { message: ctx.error?.message ?? '' });
    // For the site's developer: the resident cannot fix these.
    if (state === 'empty' || ctx.error?.code === SITE_ERROR) {
      console.warn(`<id-contact-auth>: ${state === 'empty' ? 'no login methods for' : 'the core does not know'} purpose "${this.purpose}"`);
    }
  }

  protected override updated(): void {
    // lit-html reuses a button for whatever comes at its place. When the one
    // under focus now does something else, focus moves as if it had been
    // replaced: the new action is announced, not pressed unseen by a second Enter.
    const active = this.shadowRoot!.activeElement;
    if (active instanceof HTMLButtonElement && active.textContent !== this.#focusedLabel) active.blur();
    super.updated();
  }

  protected override focusFallback(): HTMLElement | null {
    const root = this.shadowRoot!;
    // After a login, not on Logout: one stray Enter must not log the resident out.
    return (this.#flow?.signedIn ? null : root.querySelector<HTMLElement>('button, a')) ?? root.querySelector<HTMLElement>('.status');
  }

  protected override render(): TemplateResult {
    const { text, labels } = stringsFor(this.locale, this.strings);
    const state = this.state;
    const ctx = this.#flow?.ctx ?? { methods: [] };
    // The verified details as [label, value], for the list and for screen readers.
    const details = Object.entries(ctx.attributes ?? {}).map(([tag, value]) => [labelFor(labels, tag), value]);
    return html`<div part="container" class="box" data-state=${state}>
      <p part="status" class="status ${BUSY.has(state) ? 'busy' : ''}" role="status" tabindex="-1">
        ${this.#statusText(state, ctx, text)}${state === 'success' ? this.#readOut(details, text) : nothing}${state === 'requested'
          ? html`<span class="sr"> ${text.subject}: ${subjectOf(ctx)}.</span>`
          : nothing}
      </p>
      ${this.#body(state, ctx, text, details)}
    </div>`;
  }

  /** The details, read out with the headline (the list itself is not in the live region). */
  #readOut(details: string[][], text: Strings) {
    const list = details.map(([label, value]) => `${label}: ${value}. `);
    return html`<span class="sr"> ${text.attributes}: ${list}${this.ticket ? text.shared : ''}</span>`;
  }

  #statusText(state: StateName, ctx: Context, text: Strings): string {
    switch (state) {
      case 'idle':
        return text.loading;
      case 'choosing':
        return text.choose;
      case 'error':
        return text[(ctx.error && Object.hasOwn(ERROR_TEXT, ctx.error.code) && ERROR_TEXT[ctx.error.code]) || 'error'];
      case 'starting':
        return format(text.starting, { method: ctx.method?.name ?? '' });
      case 'waiting':
        return ctx.via === 'redirect' || ctx.via === 'chat' ? text.returned : text.waiting;
      case 'failed':
        return ctx.reason === 'other_browser' ? text.otherBrowser : text.failed;
      default:
        return text[state];
    }
  }

  #body(state: StateName, ctx: Context, text: Strings, details: string[][]) {
    const flow = this.#flow!;
    const button = (label: string, action: () => void, primary = false) =>
      html`<button part="button" class=${primary ? 'primary' : ''} type="button" @click=${action}>${label}</button>`;
    const retry = button(text.retry, () => flow.retry(), true);
    const cancel = button(text.cancel, () => flow.cancel());
    // Where the chat link failed or the user logged out: the chooser.
    const login = button(text.login, () => flow.retry(), true);
    const actions = (...items: unknown[]) => html`<div part="actions" class="actions">${items}</div>`;
    const logout = actions(button(text.logout, () => flow.logout()));
    const other = button(text.otherMethod, () => flow.retry(), !ctx.method);
    // The same method first, then another.
    const again = actions(ctx.method ? button(text.retry, () => flow.choose(ctx.method!), true) : nothing, other);
    const contact = html`<p part="contact">${text.contact}</p>`;

    const methods = (list: AuthMethod[]) =>
      html`<ul part="methods" aria-label=${text.methods}>
        ${list.map(
          (m) =>
            html`<li>
              <button part="method" type="button" data-tag=${m.tag} @click=${() => flow.choose(m)}>
                <img part="method-icon" src=${m.image_url} alt="" />
                <span part="method-name">${m.name}</span>
              </button>
            </li>`,
        )}
      </ul>`;

    switch (state) {
      case 'choosing':
        return html`${text.intro ? html`<p part="intro">${text.intro}</p>` : nothing}${methods(ctx.methods)}`;
      case 'requested': {
        const offered = ctx.requestMethods ?? [];
        // Read out with the headline too (the live region), as the details after a login are.
        return html`<p part="subject">${text.subject}: <strong>${subjectOf(ctx)}</strong></p>
          ${offered.length ? methods(offered) : html`<p part="contact">${text.empty}</p>`}
          ${actions(button(text.decline, () => flow.decline()))}`;
      }
      case 'error': {
        const code = ctx.error?.code ?? '';
        if (code === SITE_ERROR) return contact;
        return html`${actions(isLinkError(code) ? login : retry)}${contact}`;
      }
      case 'empty':
        return contact;
      case 'failed':
      case 'expired':
        return again;
      case 'closed':
        return actions(button(text.reopen, () => flow.reopen(), true), button(text.otherMethod, () => flow.cancel()));
      case 'loggedOut':
        return actions(login);
      case 'starting':
      case 'reconnecting':
        return actions(cancel);
      case 'blocked':
        return actions(
          // A link to the eye (and a screen reader); the launch itself is a form POST (see flow.ts).
          html`<a part="link" href=${ctx.session!.launch_url} target=${flow.windowName} @click=${(e: Event) => flow.openInTab(e)}
            >${text.openTab}</a
          >`,
          button(text.continueHere, () => flow.continueHere(), true),
          cancel,
        );
      case 'waiting':
        return actions(
          ctx.via === 'popup' || ctx.via === 'tab' ? button(text.reopen, () => flow.reopen(), true) : nothing,
          cancel,
        );
      case 'success':
        return html`<dl part="result" aria-label=${text.attributes}>
            ${details.map(
              ([label, value]) =>
                html`<dt part="attribute-label">${label}</dt>
                  <dd part="attribute-value">${value}</dd>`,
            )}
          </dl>
          ${this.ticket ? html`<p part="shared">${text.shared}</p>` : nothing} ${ctx.logout ? logout : nothing}`;
      case 'signedIn':
        // After a reload: the attributes were shown before and are not kept in the browser.
        return logout;
      default:
        return nothing;
    }
  }
}
