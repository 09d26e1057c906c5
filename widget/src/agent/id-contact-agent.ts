/**
 * `<id-contact-agent>`: for the employee's console. Shows who the resident in
 * this conversation is, as verified, live: each login with its status,
 * method, time and (only while verified) its attributes; and a Forget button
 * that has the backend delete the conversation's attributes.
 * Rendering only; the flow (flow.ts) drives the state machine (state.ts)
 * from the transport (transport.ts). Registration is in define.ts, so
 * importing this module has no side effects.
 */
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { AgentFlow } from './flow.js';
import { agentStringsFor, type AgentStringOverrides, type AgentStrings } from './i18n.js';
import type { AgentInput, AgentSnapshot, FeedState } from './state.js';
import { agentStyles } from './styles.js';
import { IdContactElement } from '../shared/element.js';
import { format, labelFor, type Labels } from '../shared/i18n.js';
import { checkIcon, crossIcon, dashIcon } from '../shared/icons.js';
import type { Identity } from '../shared/wire.js';

export type { AgentStringOverrides, AgentStrings } from './i18n.js';
export type { FeedState, ForgetState } from './state.js';
export type { Lang } from '../shared/i18n.js';
export type { Attributes, Identity, IdentityStatus } from '../shared/wire.js';

/** `network`: the stream was lost and is being reopened (once per outage). */
export type AgentErrorCode = 'ticket_expired' | 'invalid_ticket' | 'network';

export interface IdContactAgentEventMap {
  'id-contact-identity': CustomEvent<{ identity: Identity }>;
  'id-contact-agent-error': CustomEvent<{ code: AgentErrorCode }>;
}

declare global {
  interface HTMLElementTagNameMap {
    'id-contact-agent': IdContactAgent;
  }
  interface GlobalEventHandlersEventMap extends IdContactAgentEventMap {}
}

const ICONS: Record<string, TemplateResult> = { failed: crossIcon, expired: crossIcon, withdrawn: crossIcon };

const copy = (identity: Identity): Identity =>
  identity.attributes ? { ...identity, attributes: { ...identity.attributes } } : { ...identity };

export class IdContactAgent extends IdContactElement {
  static override styles = agentStyles;
  static override properties: PropertyDeclarations = {
    ticket: {},
    theme: { reflect: true },
    strings: { attribute: false },
  };

  /** The host ticket for this conversation; a new one starts afresh. */
  declare ticket: string | undefined;
  /** `light` or `dark`; unset follows `prefers-color-scheme`. */
  declare theme: 'light' | 'dark' | undefined;
  /** Per-language overrides of the strings, attribute labels and method names. */
  declare strings: AgentStringOverrides | undefined;

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
      ${this.#forgetControls(feed, forget, identities, text)}
      <p class="sr" aria-live="polite">${this.#announcement}</p>
    </div>`;
  }

  #identity(identity: Identity, text: AgentStrings, labels: Labels, methods: Labels): TemplateResult {
    const verified = identity.status === 'verified';
    const time = this.#time(identity.updated_at);
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
      <p part="meta" class="meta">
        ${labelFor(methods, identity.auth_method ?? '')}${time
          ? html` · <time datetime=${identity.updated_at}>${format(text.updated, { time })}</time>`
          : nothing}
      </p>
      ${verified && identity.attributes
        ? html`<dl part="result" aria-label=${text.attributes}>
            ${Object.entries(identity.attributes).map(
              ([tag, value]) =>
                html`<dt part="attribute-label">${labelFor(labels, tag)}</dt>
                  <dd part="attribute-value">${value}</dd>`,
            )}
          </dl>`
        : nothing}
    </li>`;
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
