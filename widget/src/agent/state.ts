/**
 * `<id-contact-agent>`'s states and transitions, in one declarative table of
 * three regions that run side by side: `feed` (the connection to the
 * conversation's stream of identities and requests), `forget` (the Forget
 * button's confirm step and its request) and `ask` (asking the resident to
 * log in: free, sending, failed, or waiting while a request is pending).
 *
 * `AgentMachine.send` is the only way to change state. It is synchronous and
 * offers each input to both regions; a region that does not list the input
 * ignores it, and an input no region takes changes nothing (late answers,
 * double clicks). To add a state, add a row; if it carries data, a case to
 * `reduce`.
 */
import type { AskError, DenyCode } from './transport.js';
import type { Identity, VerificationRequest } from '../shared/wire.js';

export type AgentInput =
  /** A ticket is there: start following the stream. */
  | { type: 'connect' }
  | { type: 'open' }
  | { type: 'identity'; identity: Identity }
  | { type: 'lost' }
  | { type: 'deny'; code: DenyCode }
  | { type: 'ask' }
  | { type: 'cancel' }
  | { type: 'confirm' }
  | { type: 'forgot' }
  | { type: 'forgetFailed' }
  /** The stream says the conversation's request is pending. */
  | { type: 'pending'; request: VerificationRequest }
  /** The stream says it is settled (started, declined, expired), or that there is none. */
  | { type: 'settled'; request: VerificationRequest | null }
  /** A pending request's `expires_at` passed here before the stream said so. */
  | { type: 'lapse'; id: string }
  | { type: 'askVerify'; purpose: string }
  /** The backend made the request (201). */
  | { type: 'asked'; request: VerificationRequest }
  | { type: 'askFailed'; error: AskError };

export type AgentInputType = AgentInput['type'];

export const TABLE = {
  feed: {
    /** No ticket yet. */
    idle: { connect: 'connecting' },
    connecting: { open: 'live', lost: 'reconnecting', deny: 'denied' },
    live: { identity: 'live', pending: 'live', settled: 'live', lapse: 'live', lost: 'reconnecting', deny: 'denied' },
    /** Waiting to reconnect; the identities and the request last seen stay. */
    reconnecting: { open: 'live', lapse: 'reconnecting', lost: 'reconnecting', deny: 'denied' },
    /** The ticket was refused: nothing more happens until a new ticket (a new machine). */
    denied: {},
  },
  forget: {
    idle: { ask: 'confirming' },
    confirming: { confirm: 'deleting', cancel: 'idle', deny: 'idle' },
    deleting: { forgot: 'idle', forgetFailed: 'failed', deny: 'idle' },
    failed: { ask: 'confirming', cancel: 'idle', deny: 'idle' },
  },
  ask: {
    idle: { askVerify: 'sending', pending: 'waiting' },
    sending: { asked: 'waiting', askFailed: 'failed', pending: 'waiting', deny: 'idle' },
    failed: { askVerify: 'sending', pending: 'waiting', deny: 'idle' },
    /** A request is pending: nobody can ask again until it is settled. */
    waiting: { settled: 'idle', lapse: 'idle', deny: 'idle' },
  },
} as const satisfies Record<string, Record<string, Partial<Record<AgentInputType, string>>>>;

export type FeedState = keyof typeof TABLE.feed;
export type ForgetState = keyof typeof TABLE.forget;
export type AskState = keyof typeof TABLE.ask;

export interface AgentContext {
  /** In the order they first appeared (oldest first). */
  identities: readonly Identity[];
  /** The conversation's latest request to verify, as last heard. */
  request: VerificationRequest | null;
  /** Why the last ask failed, while the ask region is `failed`. */
  askError?: AskError;
  denied?: DenyCode;
}

export interface AgentSnapshot {
  feed: FeedState;
  forget: ForgetState;
  ask: AskState;
  ctx: AgentContext;
}

/**
 * Puts an identity event into the list: identities are keyed by `id`; of two
 * versions the later `updated_at` wins, and on a tie (or an unreadable time)
 * the later event. Returns the same list when the event is older than what
 * is shown (a snapshot after a reconnect may replay).
 */
export function merge(list: readonly Identity[], incoming: Identity): readonly Identity[] {
  const i = list.findIndex((shown) => shown.id === incoming.id);
  if (i < 0) return [...list, incoming];
  if (Date.parse(incoming.updated_at) < Date.parse(list[i]!.updated_at)) return list;
  return list.map((shown, j) => (j === i ? incoming : shown));
}

/**
 * The request to show: a new one replaces the old; of two versions of one,
 * the later `updated_at` wins. Returns `shown` itself when nothing changes
 * (the 201's request, then the stream's same version).
 */
export function mergeRequest(shown: VerificationRequest | null, incoming: VerificationRequest | null): VerificationRequest | null {
  if (!shown || !incoming || shown.id !== incoming.id) return incoming;
  const older = Date.parse(incoming.updated_at) < Date.parse(shown.updated_at);
  const same = incoming.updated_at === shown.updated_at && incoming.status === shown.status;
  return older || same ? shown : incoming;
}

function reduce(ctx: AgentContext, input: AgentInput): AgentContext {
  switch (input.type) {
    case 'identity':
      return { ...ctx, identities: merge(ctx.identities, input.identity) };
    case 'pending':
    case 'settled':
    case 'asked':
      return { ...ctx, request: mergeRequest(ctx.request, input.request) };
    case 'lapse': {
      const { request } = ctx;
      return request?.id === input.id && request.status === 'pending' ? { ...ctx, request: { ...request, status: 'expired' } } : ctx;
    }
    case 'askVerify':
      return { ...ctx, askError: undefined };
    case 'askFailed':
      return { ...ctx, askError: input.error };
    case 'deny':
      // Access ended: nothing stays on screen that the ticket no longer allows.
      return { identities: [], request: null, denied: input.code };
    default:
      return ctx;
  }
}

export function next<R extends keyof typeof TABLE>(region: R, state: keyof (typeof TABLE)[R], type: AgentInputType) {
  return (TABLE[region][state] as Partial<Record<AgentInputType, string>>)[type] as keyof (typeof TABLE)[R] | undefined;
}

export type AgentListener = (input: AgentInput, before: AgentSnapshot) => void;

export class AgentMachine implements AgentSnapshot {
  feed: FeedState = 'idle';
  forget: ForgetState = 'idle';
  ask: AskState = 'idle';
  ctx: AgentContext = { identities: [], request: null };

  constructor(private readonly listener: AgentListener) {}

  /** Applies an input; returns whether a region accepted it. */
  send(input: AgentInput): boolean {
    const feed = next('feed', this.feed, input.type);
    const forget = next('forget', this.forget, input.type);
    const ask = next('ask', this.ask, input.type);
    if (!feed && !forget && !ask) return false;
    const before = { feed: this.feed, forget: this.forget, ask: this.ask, ctx: this.ctx };
    this.ctx = reduce(this.ctx, input);
    this.feed = feed ?? this.feed;
    this.forget = forget ?? this.forget;
    this.ask = ask ?? this.ask;
    this.listener(input, before);
    return true;
  }
}
