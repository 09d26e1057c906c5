/**
 * `<id-contact-agent>`: for the employee's console. Shows who the resident in
 * this conversation is, as verified, live: each login with its subject,
 * status, method, time and (only while verified) its attributes, each with a
 * link to the case where the page gave a template; a control to ask the
 * resident to log in, and how that request stands; and a Forget button that
 * has the backend delete the conversation's attributes.
 * Rendering only; the flow (flow.ts) drives the state machine (state.ts)
 * from the transport (transport.ts). Registration is in define.ts, so
 * importing this module has no side effects.
 */
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { AgentFlow } from './flow.js';
import { agentStringsFor, purposeLabel, type AgentStringOverrides, type AgentStrings, type PurposeLabels } from './i18n.js';
import type { AgentInput, AgentSnapshot, FeedState } from './state.js';
import type { AskError } from './transport.js';
import { agentStyles } from './styles.js';
import { IdContactElement } from '../shared/element.js';
import { format, labelFor, type Labels } from '../shared/i18n.js';
import { checkIcon, crossIcon, dashIcon } from '../shared/icons.js';
import type { Identity, VerificationRequest } from '../shared/wire.js';

export type { AgentStringOverrides, AgentStrings, PurposeLabels } from './i18n.js';
export type { AskState, FeedState, ForgetState } from './state.js';
export type { AskError } from './transport.js';
export type { Lang } from '../shared/i18n.js';
export type { Attributes, Identity, IdentityStatus, RequestStatus, VerificationRequest } from '../shared/wire.js';

/** `network`: the stream was lost and is being reopened (once per outage). */
export type AgentErrorCode = 'ticket_expired' | 'invalid_ticket' | 'network';

export interface IdContactAgentEventMap {
  'id-contact-identity': CustomEvent<{ identity: Identity }>;
  'id-contact-agent-error': CustomEvent<{ code: AgentErrorCode }>;
  /** The conversation's request to verify changed (made, started, declined, expired); null: there is none. */
  'id-contact-request': CustomEvent<{ request: VerificationRequest | null }>;
  /** Asking the resident to log in failed. */
  'id-contact-request-error': CustomEvent<{ code: AskError }>;
}

/** Case links: attribute tag → URL template with `{value}`. */
export type CaseLinks = Record<string, string>;

declare global {
  interface HTMLElementTagNameMap {
    'id-contact-agent': IdContactAgent;
  }
  // Declared alike in auth/id-contact-auth.ts: see there.
  interface GlobalEventHandlersEventMap extends Omit<IdContactAgentEventMap, 'id-contact-request'> {
    'id-contact-request': CustomEvent<{ request: VerificationRequest | null }>;
  }
}

const ICONS: Record<string, TemplateResult> = { failed: crossIcon, expired: crossIcon, withdrawn: crossIcon };

const copy = (identity: Identity): Identity =>
  identity.attributes ? { ...identity, attributes: { ...identity.attributes } } : { ...identity };

/** Reads a JSON object attribute; anything else is ignored, with a warning that names the attribute only. */
const jsonObject = (attribute: string) => ({
  fromAttribute(value: string | null): object | undefined {
    if (value === null) return undefined;
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
    } catch {
      // warned below
    }
    console.warn(`<id-contact-agent>: the ${attribute} attribute is not a JSON object; it is ignored`);
    return undefined;
  },
});

/** Only absolute http(s) URLs: a `javascript:`, `data:` or relative template would run or go where nobody meant. */
const isWebUrl = (url: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
};

/**
 * The employee's side of the conversation: who the resident is, verified by the backend, live.
 *
 * @tagname id-contact-agent
 * @summary Shows the employee the verified identity of the resident in this conversation.
 *
 * @fires {CustomEvent<{ identity: Identity }>} id-contact-identity - Every identity update received and shown (attributes only when `verified`)
 * @fires {CustomEvent<{ code: AgentErrorCode }>} id-contact-agent-error - `ticket_expired`, `invalid_ticket`, or `network` (once per outage)
 * @fires {CustomEvent<{ request: VerificationRequest | null }>} id-contact-request - The conversation's request to verify changed (made, started, declined, expired); null: there is none
 * @fires {CustomEvent<{ code: AskError }>} id-contact-request-error - Asking the resident to log in failed
 *
 * @csspart container - The box around everything
 * @csspart heading - The heading (an `h2`)
 * @csspart status - The connection's status text (the `role="status"` region); empty while live
 * @csspart empty - "Nobody has logged in yet"
 * @csspart identities - The list of logins (`ul`)
 * @csspart identity - One login (`li`); also `verified` or `unverified`
 * @csspart verified - A verified login (with `identity`)
 * @csspart unverified - A login that is not verified (with `identity`)
 * @csspart badge - Its "verified" / "not verified" badge
 * @csspart reason - Why it is not verified (waiting, logged out, …)
 * @csspart subject - The login's subject ("Onderwerp: …")
 * @csspart meta - Method and time of the last update
 * @csspart result - The verified attributes (`dl`)
 * @csspart attribute-label - One attribute's label
 * @csspart attribute-value - One attribute's value
 * @csspart case-link - The link to the case in an attribute's value (`a`)
 * @csspart ask - Asking to log in: the control, the request, its error
 * @csspart ask-label - The subject of the one purpose, or the select's label
 * @csspart ask-purpose - The choice of purposes (`select`), with several
 * @csspart ask-button - "Vraag om inloggen" (also `button`)
 * @csspart request - How the request stands; `data-status` is its status
 * @csspart request-error - Why asking failed (`role="alert"`)
 * @csspart actions - The row of buttons
 * @csspart button - Each button (Ask to log in, Forget, Confirm, Cancel)
 * @csspart confirm - The confirm step (question and buttons), then the "forgetting…" text
 * @csspart error - Forget's failure message (`role="alert"`)
 */
export class IdContactAgent extends IdContactElement {
  static override styles = agentStyles;
  static override properties: PropertyDeclarations = {
    ticket: {},
    theme: { reflect: true },
    strings: { attribute: false },
    purposes: { converter: jsonObject('purposes') },
    links: { converter: jsonObject('links') },
    requestPurpose: { attribute: 'request-purpose' },
  };

  /** The host ticket for this conversation; a new one starts afresh. */
  declare ticket: string | undefined;
  /** `light` or `dark`; unset follows `prefers-color-scheme`. */
  declare theme: 'light' | 'dark' | undefined;
  /** Per-language overrides of the strings, attribute labels and method names. */
  declare strings: AgentStringOverrides | undefined;
  /**
   * The page's words for purposes (tag → text, or `{nl, en}`), used where the
   * core has no name; its keys are also what the employee can ask the
   * resident to log in for.
   */
  declare purposes: PurposeLabels | undefined;
  /** Links to the case: attribute tag → http(s) URL template with `{value}`. */
  declare links: CaseLinks | undefined;
  /** The purpose to ask for when `purposes` offers none; with `purposes`, the one chosen first. */
  declare requestPurpose: string | undefined;

  /** The case link templates that passed the check. */
  #templates: CaseLinks = {};
  /** The purpose chosen in the ask control, when the employee chose one. */
  #chosen?: string;

  #flow?: AgentFlow;
  /** What the live region says: the last change of a login's status. */
  #announcement = '';
  /** A control to move focus to after the next render (the confirm step's Cancel). */
  #focusNext?: string;

  /** The connection's state. */
  get state(): FeedState {
    return this.#flow?.machine.feed ?? 'idle';
  }

  /** The identities shown, oldest first (copies). */
  get identities(): Identity[] {
    return (this.#flow?.machine.ctx.identities ?? []).map(copy);
  }

  /** The conversation's request to verify, as shown (a copy), or null. */
  get request(): VerificationRequest | null {
    const request = this.#flow?.machine.ctx.request;
    return request ? { ...request } : null;
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
    if (!this.#flow || changed.has('ticket') || changed.has('backend')) this.#restart();
    if (changed.has('links')) this.#checkLinks();
  }

  #checkLinks(): void {
    const links: unknown = this.links;
    this.#templates = {};
    if (!links || typeof links !== 'object') return;
    for (const [tag, template] of Object.entries(links)) {
      if (typeof template === 'string' && isWebUrl(template)) this.#templates[tag] = template;
      else console.warn(`<id-contact-agent>: links.${tag} is not an http(s) URL template; no link for it`);
    }
  }

  /** The link to the case for an attribute, or undefined without a usable template. */
  #caseUrl(tag: string, value: string): string | undefined {
    const template = Object.hasOwn(this.#templates, tag) ? this.#templates[tag]! : undefined;
    const url = template?.split('{value}').join(encodeURIComponent(value));
    return url && isWebUrl(url) ? url : undefined;
  }

  #purpose(purpose: string, coreName?: string): string {
    return purposeLabel(purpose, this.locale, this.purposes, coreName);
  }

  /** What the ask control offers: the keys of `purposes`, else `request-purpose`. */
  #offered(): string[] {
    const keys = this.purposes && typeof this.purposes === 'object' ? Object.keys(this.purposes) : [];
    return keys.length ? keys : this.requestPurpose ? [this.requestPurpose] : [];
  }

  #restart(): void {
    this.#flow?.stop();
    this.#announcement = '';
    const flow: AgentFlow = new AgentFlow(this.backendUrl, this.ticket ?? '', (input, before) => {
      if (flow !== this.#flow) return;
      this.requestUpdate();
      this.#report(input, before, flow.machine);
    });
    this.#flow = flow;
    if (this.isConnected) flow.start();
  }

  /** Events and the live region's text for one accepted input. */
  #report(input: AgentInput, before: AgentSnapshot, now: AgentSnapshot): void {
    if (input.type === 'deny') this.emit('id-contact-agent-error', { code: input.code });
    if (input.type === 'lost' && before.feed !== 'reconnecting') this.emit('id-contact-agent-error', { code: 'network' });
    if (input.type === 'askFailed') this.emit('id-contact-request-error', { code: input.error });
    const { request } = now.ctx;
    if (request !== before.ctx.request) {
      this.emit('id-contact-request', { request: request && { ...request } });
      if (request && (request.id !== before.ctx.request?.id || request.status !== before.ctx.request.status)) {
        this.#announcement = this.#requestText(request, agentStringsFor(this.locale, this.strings).text);
      }
    }
    if (input.type !== 'identity' || now.ctx.identities === before.ctx.identities) return;
    const { identity } = input;
    this.emit('id-contact-identity', { identity: copy(identity) });
    if (before.ctx.identities.find((shown) => shown.id === identity.id)?.status !== identity.status) {
      const { text, methods } = agentStringsFor(this.locale, this.strings);
      const method = labelFor(methods, identity.auth_method ?? '');
      this.#announcement =
        identity.status === 'verified'
          ? format(text.announceVerified, { method })
          : format(text.announceStatus, { method, status: this.#statusLabel(identity, text) });
    }
  }

  #statusLabel(identity: Identity, text: AgentStrings): string {
    // A login completed in another browser is a warning, not the login's own failure.
    if (identity.status === 'failed' && identity.reason === 'other_browser') return text.other_browser;
    const key = identity.status as keyof AgentStrings;
    return ['waiting', 'failed', 'logged_out', 'expired', 'forgotten', 'withdrawn'].includes(key) ? text[key] : text.unknown;
  }

  protected override updated(): void {
    const next = this.#focusNext && this.shadowRoot!.querySelector<HTMLElement>(this.#focusNext);
    this.#focusNext = undefined;
    if (next) next.focus();
    else super.updated();
  }

  #requestText(request: VerificationRequest, text: AgentStrings): string {
    const purpose = this.#purpose(request.purpose, request.purpose_name);
    switch (request.status) {
      case 'pending':
        return format(text.requestPending, { purpose, time: this.#time(request.expires_at) });
      case 'started':
        return format(text.requestStarted, { purpose });
      case 'declined':
        return text.requestDeclined;
      default:
        return text.requestExpired;
    }
  }

  protected override focusFallback(): HTMLElement | null {
    const root = this.shadowRoot!;
    return root.querySelector<HTMLElement>('[data-action="forget"]') ?? root.querySelector('h2');
  }

  /** Local time of an update: the time alone today, else date and time (day first in English too). */
  #time(iso: string): string {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return '';
    const today = date.toDateString() === new Date().toDateString();
    return new Intl.DateTimeFormat(this.locale === 'en' ? 'en-GB' : 'nl-NL', {
      dateStyle: today ? undefined : 'short',
      timeStyle: 'short',
    }).format(date);
  }

  protected override render(): TemplateResult {
    const { text, labels, methods } = agentStringsFor(this.locale, this.strings);
    const machine = this.#flow!.machine;
    const { feed, forget, ctx } = machine;
    const { identities } = ctx;
    const status =
      feed === 'denied'
        ? ctx.denied === 'ticket_expired'
          ? text.ticketExpired
          : text.invalidTicket
        : feed === 'idle'
          ? text.noTicket
          : feed === 'live'
            ? ''
            : text[feed];
    return html`<div part="container" class="box" data-state=${feed}>
      <h2 part="heading" tabindex="-1">${text.heading}</h2>
      <p part="status" class="status ${feed === 'connecting' || feed === 'reconnecting' ? 'busy' : ''}" role="status">
        ${status}
      </p>
      ${identities.length
        ? html`<ul part="identities">
            ${identities.map((identity) => this.#identity(identity, text, labels, methods))}
          </ul>`
        : feed === 'live'
          ? html`<p part="empty">${text.empty}</p>`
          : nothing}
      ${feed === 'live' || feed === 'reconnecting' ? this.#askControls(text) : nothing}
      ${this.#forgetControls(feed, forget, identities, text)}
      <p class="sr" aria-live="polite">${this.#announcement}</p>
    </div>`;
  }

  #identity(identity: Identity, text: AgentStrings, labels: Labels, methods: Labels): TemplateResult {
    const verified = identity.status === 'verified';
    const time = this.#time(identity.updated_at);
    const method = labelFor(methods, identity.auth_method ?? '');
    return html`<li
      part="identity ${verified ? 'verified' : 'unverified'}"
      class=${verified ? 'verified' : ''}
      data-status=${identity.status}
    >
      <p>
        <span part="badge" class="badge"
          >${verified ? checkIcon : (ICONS[identity.status] ?? dashIcon)}${verified ? text.verified : text.notVerified}</span
        >${verified ? nothing : html`<span part="reason">${this.#statusLabel(identity, text)}</span>`}
      </p>
      ${identity.purpose || identity.purpose_name
        ? html`<p part="subject">${format(text.subject, { purpose: this.#purpose(identity.purpose, identity.purpose_name) })}</p>`
        : nothing}
      <p part="meta" class="meta">
        ${method}${method && time ? ' · ' : ''}${time
          ? html`<time datetime=${identity.updated_at}>${format(text.updated, { time })}</time>`
          : nothing}
      </p>
      ${verified && identity.attributes
        ? html`<dl part="result" aria-label=${text.attributes}>
            ${Object.entries(identity.attributes).map(
              ([tag, value]) =>
                html`<dt part="attribute-label">${labelFor(labels, tag)}</dt>
                  <dd part="attribute-value">${this.#value(tag, value, text)}</dd>`,
            )}
          </dl>`
        : nothing}
    </li>`;
  }

  /** An attribute's value; a link to the case when the page gave a template for it. */
  #value(tag: string, value: string, text: AgentStrings): TemplateResult | string {
    const url = this.#caseUrl(tag, value);
    return url
      ? html`<a part="case-link" href=${url} target="_blank" rel="noopener noreferrer"
          >${value}<span class="sr"> (${text.caseLink})</span></a
        >`
      : value;
  }

  /** Ask to log in: the subject (one, or a choice), the button, how the request stands, why asking failed. */
  #askControls(text: AgentStrings): TemplateResult | typeof nothing {
    const flow = this.#flow!;
    const { ask, ctx } = flow.machine;
    const offered = this.#offered();
    const chosen = [this.#chosen, this.requestPurpose].find((p) => p && offered.includes(p)) ?? offered[0];
    const { request } = ctx;
    if (!chosen && !request) return nothing;
    const busy = ask === 'sending' || ask === 'waiting';
    return html`<div part="ask" class="ask">
      ${chosen
        ? html`<div class="actions">
            ${offered.length > 1
              ? html`<label part="ask-label" for="ask-purpose">${text.askPurpose}</label>
                  <select
                    part="ask-purpose"
                    id="ask-purpose"
                    @change=${(e: Event) => {
                      this.#chosen = (e.target as HTMLSelectElement).value;
                      this.requestUpdate();
                    }}
                  >
                    ${offered.map((p) => html`<option value=${p} ?selected=${p === chosen}>${this.#purpose(p)}</option>`)}
                  </select>`
              : html`<span part="ask-label" id="ask-subject">${format(text.subject, { purpose: this.#purpose(chosen) })}</span>`}
            <button
              part="button ask-button"
              type="button"
              data-action="ask-verify"
              aria-disabled=${busy ? 'true' : 'false'}
              aria-describedby=${offered.length > 1 ? nothing : 'ask-subject'}
              @click=${() => busy || flow.askToVerify(chosen)}
            >
              ${text.askToVerify}
            </button>
          </div>`
        : nothing}
      ${request
        ? html`<p part="request" class=${request.status === 'pending' ? 'busy' : ''} data-status=${request.status}>
            ${this.#requestText(request, text)}
          </p>`
        : nothing}
      ${ask === 'failed' && ctx.askError
        ? html`<p part="request-error" role="alert">${this.#askError(ctx.askError, text)}</p>`
        : nothing}
    </div>`;
  }

  #askError(error: AskError, text: AgentStrings): string {
    return error === 'request_pending' || error === 'unknown_purpose' || error === 'rate_limited' ? text[error] : text.askFailed;
  }

  #forgetControls(feed: FeedState, forget: AgentSnapshot['forget'], identities: readonly Identity[], text: AgentStrings) {
    const flow = this.#flow!;
    const button = (label: string, action: () => void, name: string, kind = '') =>
      html`<button part="button" class=${kind} type="button" data-action=${name} @click=${action}>${label}</button>`;
    const forgetButton = html`<div part="actions" class="actions">
      ${button(text.forget, () => {
        this.#focusNext = '[data-action="cancel"]';
        flow.ask();
      }, 'forget')}
    </div>`;
    switch (forget) {
      case 'confirming':
        return html`<div
          part="confirm"
          role="group"
          aria-labelledby="confirm-question"
          @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && flow.cancel()}
        >
          <p id="confirm-question">${text.confirmForget}</p>
          <div part="actions" class="actions">
            ${button(text.confirm, () => flow.confirm(), 'confirm', 'danger')} ${button(text.cancel, () => flow.cancel(), 'cancel')}
          </div>
        </div>`;
      case 'deleting':
        return html`<p part="confirm" class="busy">${text.forgetting}</p>`;
      case 'failed':
        return html`<p part="error" role="alert">${text.forgetFailed}</p>
          ${forgetButton}`;
      default:
        // Only when there is something to forget, and access to forget it.
        return (feed === 'live' || feed === 'reconnecting') && identities.some((i) => i.status !== 'forgotten')
          ? forgetButton
          : nothing;
    }
  }
}
