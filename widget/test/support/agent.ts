/**
 * Browser side of the `<id-contact-agent>` tests: mounting the element
 * against the agent wire-format fixture (agent-feed-fixture.ts, driven
 * through the stack plugin), and reading what it shows.
 */
import { fixture, fixtureCleanup } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { html, nothing } from 'lit';
import '../../src/define-agent.js';
import type { AgentErrorCode, AskError, CaseLinks, FeedState, IdContactAgent, PurposeLabels } from '../../src/id-contact-agent.js';
import type { Identity, VerificationRequest } from '../../src/shared/wire.js';
import type { AgentBehaviour, AgentLog, IdentityInput } from './agent-feed-fixture.js';
import { poll } from './poll.js';

export type { IdentityInput } from './agent-feed-fixture.js';

let url: Promise<string> | undefined;
/** The fixture's base URL: the `backend` of the agent elements under test. */
export const agentFeed = () => (url ??= (executeServerCommand('agent-fixture') as Promise<{ url: string }>).then((r) => r.url));

let count = 0;
/** A ticket no other test uses: its own conversation at the fixture. */
export const newTicket = () => `t${++count}-${Math.random().toString(36).slice(2)}`;

export const push = (ticket: string, identity: IdentityInput) => executeServerCommand('agent-push', { ticket, identity });
export const heartbeat = (ticket: string) => executeServerCommand('agent-heartbeat', { ticket });
export const endStream = (ticket: string) => executeServerCommand('agent-end', { ticket });
export const expireTicket = (ticket: string) => executeServerCommand('agent-expire', { ticket });
export const behave = (ticket: string, behaviour: AgentBehaviour) => executeServerCommand('agent-behave', { ticket, behaviour });
export const feedLog = (ticket: string) => executeServerCommand('agent-log', { ticket }) as Promise<AgentLog>;
export const setRequest = (ticket: string, request: VerificationRequest | null) => executeServerCommand('agent-request', { ticket, request });
export const currentRequest = (ticket: string) =>
  executeServerCommand('agent-current-request', { ticket }) as Promise<VerificationRequest | null>;

export const PERSON = { fullname: 'Sanne de Vries', bsn: '999993653', email: 'sanne@example.nl' };

/** An identity to push; verified with PERSON's attributes unless told otherwise. */
export function identity(overrides: Partial<IdentityInput> = {}): IdentityInput {
  const status = overrides.status ?? 'verified';
  return {
    id: 'login-1',
    purpose: 'report_move',
    auth_method: 'irma',
    status,
    ...(status === 'verified' ? { attributes: { ...PERSON } } : {}),
    ...overrides,
  };
}

export interface AgentMountOptions {
  ticket?: string;
  backend?: string;
  lang?: string;
  theme?: 'light' | 'dark';
  /** Set as the `purposes` attribute (JSON). */
  purposes?: PurposeLabels;
  /** Set as the `links` attribute (JSON). */
  links?: CaseLinks;
  requestPurpose?: string;
}

const EVENTS = ['id-contact-identity', 'id-contact-agent-error', 'id-contact-request', 'id-contact-request-error'] as const;

/** Mounts an agent element; `events` collects what it dispatched. */
export async function mountAgent(options: AgentMountOptions = {}) {
  const backend = options.backend ?? (await agentFeed());
  const events: CustomEvent[] = [];
  const log = (e: Event) => events.push(e as CustomEvent);
  for (const type of EVENTS) document.addEventListener(type, log);
  cleanups.push(() => EVENTS.forEach((type) => document.removeEventListener(type, log)));
  const el = await fixture<IdContactAgent>(
    html`<id-contact-agent
      backend=${backend}
      ticket=${options.ticket ?? nothing}
      lang=${options.lang ?? 'nl'}
      theme=${options.theme ?? nothing}
      purposes=${options.purposes ? JSON.stringify(options.purposes) : nothing}
      links=${options.links ? JSON.stringify(options.links) : nothing}
      request-purpose=${options.requestPurpose ?? nothing}
    ></id-contact-agent>`,
  );
  const errors = () => events.filter((e) => e.type === 'id-contact-agent-error').map((e) => (e.detail as { code: AgentErrorCode }).code);
  const identities = () => events.filter((e) => e.type === 'id-contact-identity').map((e) => (e.detail as { identity: Identity }).identity);
  const requests = () => events.filter((e) => e.type === 'id-contact-request').map((e) => (e.detail as { request: VerificationRequest | null }).request);
  const askErrors = () => events.filter((e) => e.type === 'id-contact-request-error').map((e) => (e.detail as { code: AskError }).code);
  return { el, events, errors, identities, requests, askErrors };
}

const cleanups: (() => void)[] = [];

export function cleanUpAgent(): void {
  fixtureCleanup();
  cleanups.splice(0).forEach((f) => f());
}

/** Polls `check` until it gives a value (poll.ts). */
export const until = poll;

export async function untilState(el: IdContactAgent, state: FeedState, timeoutMs = 8000): Promise<void> {
  await until(() => el.state === state, `state ${state} (now ${el.state})`, timeoutMs);
  await el.updateComplete;
}

export const root = (el: IdContactAgent) => el.shadowRoot!;

export function agentPart<T extends Element = HTMLElement>(el: IdContactAgent, name: string): T {
  const found = root(el).querySelector<T>(`[part~="${name}"]`);
  if (!found) throw new Error(`no part ${name} in state ${el.state}`);
  return found;
}

export const agentParts = <T extends Element = HTMLElement>(el: IdContactAgent, name: string) => [
  ...root(el).querySelectorAll<T>(`[part~="${name}"]`),
];

export const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
export const statusOf = (el: IdContactAgent) => text(agentPart(el, 'status'));

/** The shown identities: each one's badge, reason, meta line and attributes as [label, value]. */
export function shown(el: IdContactAgent) {
  return agentParts(el, 'identity').map((li) => ({
    status: li.dataset['status'],
    verified: li.matches('[part~="verified"]'),
    badge: text(li.querySelector('[part~="badge"]')),
    reason: text(li.querySelector('[part~="reason"]')),
    subject: text(li.querySelector('[part~="subject"]')),
    meta: text(li.querySelector('[part~="meta"]')),
    attributes: [...li.querySelectorAll('[part~="attribute-label"]')].map((dt) => [text(dt), text(dt.nextElementSibling)]),
  }));
}

export function agentButton(el: IdContactAgent, label: string): HTMLButtonElement {
  const found = [...root(el).querySelectorAll('button')].find((b) => text(b) === label);
  if (!found) throw new Error(`no button "${label}" (state ${el.state})`);
  return found;
}

export const hasButton = (el: IdContactAgent, label: string) => [...root(el).querySelectorAll('button')].some((b) => text(b) === label);

export const focused = (el: IdContactAgent) => root(el).activeElement as HTMLElement | null;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request to set at the fixture: pending for five minutes unless told otherwise. */
export function verificationRequest(overrides: Partial<VerificationRequest> = {}): VerificationRequest {
  const now = Date.now();
  return {
    id: 'request-x',
    purpose: 'report_move',
    status: 'pending',
    expires_at: new Date(now + 300_000).toISOString(),
    updated_at: new Date(now).toISOString(),
    ...overrides,
  };
}

/** The ask control's button, the request line, and the ask error as shown. */
export const askButton = (el: IdContactAgent) => root(el).querySelector<HTMLButtonElement>('[part~="ask-button"]');
export const requestLine = (el: IdContactAgent) => root(el).querySelector<HTMLElement>('[part~="request"]');
export const askError = (el: IdContactAgent) => text(root(el).querySelector('[part~="request-error"]'));
