/**
 * `<id-contact-agent>`'s states and transitions, in one declarative table of
 * two regions that run side by side: `feed` (the connection to the
 * conversation's identity stream) and `forget` (the Forget button's confirm
 * step and its request).
 *
 * `AgentMachine.send` is the only way to change state. It is synchronous and
 * offers each input to both regions; a region that does not list the input
 * ignores it, and an input no region takes changes nothing (late answers,
 * double clicks). To add a state, add a row; if it carries data, a case to
 * `reduce`.
 */
import type { DenyCode } from './transport.js';
import type { Identity } from '../shared/wire.js';

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
  | { type: 'forgetFailed' };

export type AgentInputType = AgentInput['type'];

export const TABLE = {
  feed: {
    /** No ticket yet. */
    idle: { connect: 'connecting' },
    connecting: { open: 'live', lost: 'reconnecting', deny: 'denied' },
    live: { identity: 'live', lost: 'reconnecting', deny: 'denied' },
    /** Waiting to reconnect; the identities last seen stay. */
    reconnecting: { open: 'live', lost: 'reconnecting', deny: 'denied' },
    /** The ticket was refused: nothing more happens until a new ticket (a new machine). */
    denied: {},
  },
  forget: {
    idle: { ask: 'confirming' },
    confirming: { confirm: 'deleting', cancel: 'idle', deny: 'idle' },
    deleting: { forgot: 'idle', forgetFailed: 'failed', deny: 'idle' },
    failed: { ask: 'confirming', cancel: 'idle', deny: 'idle' },
  },
} as const satisfies Record<string, Record<string, Partial<Record<AgentInputType, string>>>>;

export type FeedState = keyof typeof TABLE.feed;
export type ForgetState = keyof typeof TABLE.forget;

export interface AgentContext {
  /** In the order they first appeared (oldest first). */
  identities: readonly Identity[];
  denied?: DenyCode;
}

export interface AgentSnapshot {
  feed: FeedState;
  forget: ForgetState;
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

function reduce(ctx: AgentContext, input: AgentInput): AgentContext {
  switch (input.type) {
    case 'identity':
      return { ...ctx, identities: merge(ctx.identities, input.identity) };
    case 'deny':
      // Access ended: nothing stays on screen that the ticket no longer allows.
      return { identities: [], denied: input.code };
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
  ctx: AgentContext = { identities: [] };

  constructor(private readonly listener: AgentListener) {}

  /** Applies an input; returns whether a region accepted it. */
  send(input: AgentInput): boolean {
    const feed = next('feed', this.feed, input.type);
    const forget = next('forget', this.forget, input.type);
    if (!feed && !forget) return false;
    const before = { feed: this.feed, forget: this.forget, ctx: this.ctx };
    this.ctx = reduce(this.ctx, input);
    this.feed = feed ?? this.feed;
    this.forget = forget ?? this.forget;
    this.listener(input, before);
    return true;
  }
}
