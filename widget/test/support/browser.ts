/**
 * Browser side of the flow tests: mounting the element against the stack's
 * backend, waiting for states, and acting as a keyboard user would.
 */
import { fixture, fixtureCleanup } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { html, nothing } from 'lit';
import '../../src/define.js';
import type { IdContactAuth, StateName } from '../../src/id-contact-auth.js';
import type { SessionFeedbackBehaviour, SessionFeedbackCall } from '../../../standins/auth-plugin/app.js';
import { REFERENCE_PARAM } from '../../src/shared/wire.js';
import { poll } from './poll.js';
import type { ChatRequest, ChatStart, StackInfo, TicketBackend } from './stack.js';
import type { ProxyMode } from './buffering-proxy.js';
import type { VerificationRequest } from '../../src/shared/wire.js';

let info: Promise<StackInfo> | undefined;
export function stack(): Promise<StackInfo> {
  return (info ??= executeServerCommand('idc-stack') as Promise<StackInfo>);
}

/** The engine and system preferences this run has (web-test-runner.config.js). */
export const run = () =>
  executeServerCommand('idc-run') as Promise<{
    engine: 'chromium' | 'firefox' | 'webkit';
    profile: 'usual' | 'dark';
    preferences: { colorScheme: 'light' | 'dark'; reducedMotion: boolean };
  }>;

/** The colour scheme the page sees (the run's, once expectRunPreferences passed). */
export const pageScheme = (): 'light' | 'dark' => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
export const pageReducesMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

/** Fails unless the page sees the system preferences this run started its browser with. */
export async function expectRunPreferences(): Promise<void> {
  const { engine, preferences } = await run();
  const seen = { colorScheme: pageScheme(), reducedMotion: pageReducesMotion() };
  if (seen.colorScheme !== preferences.colorScheme || seen.reducedMotion !== preferences.reducedMotion) {
    throw new Error(`${engine} was to start with ${JSON.stringify(preferences)}, the page sees ${JSON.stringify(seen)}`);
  }
}
/** Presses a key with the real keyboard, alike in every engine: `Tab`, `Shift+Tab`, `Enter`, `Space`. */
export const key = (press: string) => executeServerCommand('idc-key', { press });
export const coreMode = (mode: 'up' | 'down' | 'hang') => executeServerCommand('idc-core', { mode });
export const login = (outcome: 'succes' | 'failed') => executeServerCommand('idc-login', { outcome });
export const openPages = () => executeServerCommand('idc-pages') as Promise<string[]>;
export const dropConnections = () => executeServerCommand('idc-drop');
/** Closes every window but the test page, as a user closing them would. */
export const closePopups = () => executeServerCommand('idc-close-popups');
export const startChat = (request: ChatRequest) => executeServerCommand('idc-chat', { request }) as Promise<ChatStart>;
export const deliverResult = (attrUrl: string, status: 'succes' | 'failed') =>
  executeServerCommand('idc-deliver', { attrUrl, status }) as Promise<number>;
export const resultToken = (kind: 'succes' | 'failed' | 'forged') => executeServerCommand('idc-result-token', { kind }) as Promise<string>;
export const sessionFeedback = () => executeServerCommand('idc-feedback') as Promise<SessionFeedbackCall[]>;
export const feedbackBehaviour = (behaviour: SessionFeedbackBehaviour) => executeServerCommand('idc-feedback-behaviour', { behaviour });

/** How the proxy in front of `proxiedBackend` passes responses (buffering-proxy.ts). */
export const proxyMode = (mode: ProxyMode) => executeServerCommand('idc-proxy', { mode });
/** `METHOD /path` of each request through the proxy since the last call. */
export const proxyLog = () => executeServerCommand('idc-proxy-log') as Promise<string[]>;
/** A ticket for the conversation, signed on the Node side as the site's server would. */
export const ticketFor = (kind: 'guest' | 'host', conversation: string) =>
  executeServerCommand('idc-ticket', { kind, conversation }) as Promise<string>;
/** The employee asks the conversation's resident to log in (`POST /agent/requests`). */
export const askToVerify = (conversation: string, purpose = 'report_move', backend: TicketBackend = 'ticketBackend') =>
  executeServerCommand('idc-ask', { backend, conversation, purpose }) as Promise<{ status: number; request?: VerificationRequest }>;
/** The conversation's request as the employee sees it (`GET /agent/requests`). */
export const agentRequest = (conversation: string, backend: TicketBackend = 'ticketBackend') =>
  executeServerCommand('idc-agent-request', { backend, conversation }) as Promise<VerificationRequest | null>;

const LINK_PARAMS = [REFERENCE_PARAM, 'result'];

/**
 * Puts a chat link's reference (and result) on this page's own URL, as if the
 * user had come to this page through it; `extra` adds other parameters.
 */
export function land(chatUrl: string, extra: Record<string, string> = {}, hash = ''): void {
  const from = new URL(chatUrl);
  const here = new URL(location.href);
  for (const [key, value] of Object.entries(extra)) here.searchParams.set(key, value);
  for (const key of LINK_PARAMS) if (from.searchParams.has(key)) here.searchParams.set(key, from.searchParams.get(key)!);
  here.hash = hash;
  history.replaceState(history.state, '', here.href);
}

export interface MountOptions {
  purpose?: string;
  backend?: string;
  mode?: 'auto' | 'popup' | 'redirect';
  lang?: string;
  ticket?: string;
  listen?: boolean;
}

/** Mounts an element; the returned log holds every state it announced. */
export async function mount(options: MountOptions = {}) {
  const backend = options.backend ?? (await stack()).backend;
  const states: StateName[] = [];
  const log = (e: Event) => states.push((e as CustomEvent<{ state: StateName }>).detail.state);
  document.addEventListener('id-contact-state', log);
  const el = await fixture<IdContactAuth>(
    html`<id-contact-auth
      purpose=${options.purpose ?? 'report_move'}
      backend=${backend}
      mode=${options.mode ?? 'popup'}
      lang=${options.lang ?? 'nl'}
      ticket=${options.ticket ?? nothing}
      ?listen=${options.listen ?? false}
    ></id-contact-auth>`,
  );
  cleanups.push(() => document.removeEventListener('id-contact-state', log));
  return { el, states };
}

const cleanups: (() => void)[] = [];

/** For afterEach: no element, listener, stored session or popup survives a test. */
export async function cleanUp(): Promise<void> {
  fixtureCleanup();
  // What a test put on the page's URL (land) goes, whether or not a widget took it.
  const url = new URL(location.href);
  for (const key of [...LINK_PARAMS, 'topic']) url.searchParams.delete(key);
  url.hash = '';
  history.replaceState(history.state, '', url.href);
  await feedbackBehaviour('ok');
  cleanups.splice(0).forEach((f) => f());
  sessionStorage.clear();
  document.documentElement.removeAttribute('lang');
  await coreMode('up');
  await proxyMode('pass');
  await executeServerCommand('idc-close-popups');
}

/** Polls `check` until it gives a value (poll.ts). */
export const waitFor: <T>(check: () => T | undefined | false, what: string, timeoutMs?: number) => Promise<T> = poll;

export async function waitForState(el: IdContactAuth, state: StateName, timeoutMs = 8000): Promise<void> {
  await waitFor(() => el.state === state, `state ${state} (now ${el.state})`, timeoutMs);
  await el.updateComplete;
}

export function part<T extends Element = HTMLElement>(el: IdContactAuth, name: string): T {
  const found = el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
  if (!found) throw new Error(`no part ${name} in state ${el.state}`);
  return found;
}

export function parts<T extends Element = HTMLElement>(el: IdContactAuth, name: string): T[] {
  return [...el.shadowRoot!.querySelectorAll<T>(`[part~="${name}"]`)];
}

/** The status line as shown (without what is only read out, such as the details after a login). */
export function statusText(el: IdContactAuth): string {
  const shown = part(el, 'status').cloneNode(true) as HTMLElement;
  shown.querySelectorAll('.sr').forEach((hidden) => hidden.remove());
  return shown.textContent!.trim();
}

/** The element's button with this text. */
export function button(el: IdContactAuth, text: string): HTMLButtonElement {
  const found = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === text);
  if (!found) throw new Error(`no button "${text}" in state ${el.state}`);
  return found;
}

/** Focuses and presses Enter with the real keyboard: a user activation, so popups may open. */
export async function press(target: HTMLElement): Promise<void> {
  target.focus();
  await key('Enter');
}

export function methodButton(el: IdContactAuth, tag: string): HTMLButtonElement {
  return el.shadowRoot!.querySelector<HTMLButtonElement>(`button[data-tag="${tag}"]`)!;
}

/** Stores a session whose stream does not exist, as if the page had reloaded mid-login. */
export function plantBrokenSession(backend: string, purpose = 'report_move') {
  const session = { session_id: 'gone', launch_url: `${backend}/launch/gone`, launch_token: 't', events_url: `${backend}/sessions/gone/events?token=x` };
  sessionStorage.setItem(`id-contact-auth ${backend} ${purpose}`, JSON.stringify({ session, via: 'popup' }));
}
