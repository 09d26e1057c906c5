/**
 * Browser side of the `<id-contact-agent>` tests: mounting the element
 * against the agent wire-format fixture (agent-feed-fixture.ts, driven
 * through the stack plugin), and reading what it shows.
 */
import { fixture, fixtureCleanup } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { html, nothing } from 'lit';
import '../../src/define-agent.js';
import type { AgentErrorCode, FeedState, IdContactAgent } from '../../src/id-contact-agent.js';
import type { Identity } from '../../src/shared/wire.js';
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
}

/** Mounts an agent element; `events` collects what it dispatched. */
export async function mountAgent(options: AgentMountOptions = {}) {
  const backend = options.backend ?? (await agentFeed());
  const events: CustomEvent[] = [];
  const log = (e: Event) => events.push(e as CustomEvent);
  document.addEventListener('id-contact-identity', log);
  document.addEventListener('id-contact-agent-error', log);
  cleanups.push(() => {
    document.removeEventListener('id-contact-identity', log);
    document.removeEventListener('id-contact-agent-error', log);
  });
  const el = await fixture<IdContactAgent>(
    html`<id-contact-agent
      backend=${backend}
      ticket=${options.ticket ?? nothing}
      lang=${options.lang ?? 'nl'}
      theme=${options.theme ?? nothing}
    ></id-contact-agent>`,
  );
  const errors = () => events.filter((e) => e.type === 'id-contact-agent-error').map((e) => (e.detail as { code: AgentErrorCode }).code);
  const identities = () => events.filter((e) => e.type === 'id-contact-identity').map((e) => (e.detail as { identity: Identity }).identity);
  return { el, events, errors, identities };
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
