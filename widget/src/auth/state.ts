/**
 * The widget's states and transitions, in one declarative table.
 *
 * `Machine.send` is the only way to change state. It is synchronous: an input
 * the current state does not list is ignored (late answers after a cancel,
 * double clicks), so effects can fire and forget. To add a state, add a row
 * to `TABLE`; an input's data is named as in `Context` and lands there.
 */
import type { AttachedSession, Attributes, AuthMethod, IdentityReason, Session as StartedSession, VerificationRequest } from '../shared/wire.js';

/**
 * How the user reaches the login page of a running session; `chat` when the
 * core started it and the user came to the chat page through its link.
 */
export type Via = 'popup' | 'tab' | 'redirect' | 'chat';

/** A session this widget follows; only the ones it started itself have a launch (a login page). */
export type Session = AttachedSession & Partial<Pick<StartedSession, 'launch_url' | 'launch_token'>>;

export type Input =
  | { type: 'load' }
  | { type: 'attach' }
  | { type: 'options'; methods: AuthMethod[] }
  | { type: 'noOptions' }
  | { type: 'fail'; error: { code: string; message: string } }
  /** `purpose`: the login's, when it is not the element's own (a request's). */
  | { type: 'choose'; method: AuthMethod; purpose?: string }
  | { type: 'blocked'; session: Session }
  | { type: 'started'; session: Session; via: Via }
  | { type: 'redirect'; session: Session }
  | { type: 'resume'; session: Session; via: Via }
  | { type: 'lost' }
  | { type: 'live' }
  | { type: 'succeeded'; attributes: Attributes; logout?: boolean }
  /** `reason` is always given (undefined for the login's own failure), so an earlier one does not stay. */
  | { type: 'failed'; reason: IdentityReason | undefined }
  | { type: 'expired' }
  | { type: 'cancel' }
  /** The login window was closed and no result came. */
  | { type: 'closed' }
  | { type: 'logout'; sessionId: string }
  /** After a reload: a login that kept a session at the auth plugin; its attributes are not kept. */
  | { type: 'restore'; session: AttachedSession; logout: true }
  | { type: 'restored' }
  /** The backend no longer has the session (logged out elsewhere, or past its lifetime). */
  | { type: 'gone' }
  /** The employee asks the resident to log in for the request's purpose, with these methods. */
  | { type: 'request'; request: VerificationRequest; requestMethods: AuthMethod[] }
  /** The resident said "not now". */
  | { type: 'decline' }
  /** The request shown is no longer pending: declined, expired, or started elsewhere. */
  | { type: 'requestEnded' };

export type InputType = Input['type'];

/**
 * A target that goes back to the state the machine was in before it entered
 * the current one: a request is shown over whatever the widget showed, and
 * when it ends that is shown again.
 */
export const BACK = 'back';

export const TABLE = {
  idle: { load: 'loading', resume: 'waiting', attach: 'attaching', restore: 'restoring' },
  restoring: { restored: 'signedIn', gone: 'loading' },
  attaching: { started: 'waiting', fail: 'error' },
  loading: { load: 'loading', options: 'choosing', noOptions: 'empty', fail: 'error' },
  choosing: { load: 'loading', choose: 'starting', request: 'requested' },
  empty: { load: 'loading', request: 'requested' },
  error: { load: 'loading', resume: 'waiting', request: 'requested' },
  starting: { started: 'waiting', blocked: 'blocked', redirect: 'redirecting', fail: 'error', cancel: 'choosing' },
  blocked: { started: 'waiting', redirect: 'redirecting', cancel: 'choosing' },
  redirecting: { fail: 'error' },
  waiting: { lost: 'reconnecting', succeeded: 'success', failed: 'failed', expired: 'expired', fail: 'error', cancel: 'choosing', closed: 'closed' },
  reconnecting: { live: 'waiting', succeeded: 'success', failed: 'failed', expired: 'expired', fail: 'error', cancel: 'choosing', closed: 'closed' },
  // The stream stays open: a result that still comes is shown.
  closed: { succeeded: 'success', failed: 'failed', expired: 'expired', fail: 'error', cancel: 'choosing' },
  success: { logout: 'loggedOut', request: 'requested' },
  signedIn: { logout: 'loggedOut', gone: 'loading', request: 'requested' },
  // `choose`: try again with the same method.
  failed: { load: 'loading', choose: 'starting', request: 'requested' },
  expired: { load: 'loading', choose: 'starting', request: 'requested' },
  loggedOut: { load: 'loading', request: 'requested' },
  // An employee's request, shown while no login runs; `request`: a newer one replaces it.
  requested: { request: 'requested', choose: 'starting', decline: BACK, requestEnded: BACK },
} as const satisfies Record<string, Partial<Record<InputType, string>>>;

export type StateName = keyof typeof TABLE;
type Target = StateName | typeof BACK;

/** The states in which a request may be shown (and the request channel is open): no login runs. */
export const AT_REST: ReadonlySet<StateName> = new Set(
  (Object.keys(TABLE) as StateName[]).filter((state) => next(state, 'request') === 'requested'),
);

/**
 * States after which the login is over: its stream is closed, its record
 * dropped, except for a login session's (see flow.ts).
 */
export const FINAL: ReadonlySet<StateName> = new Set(['success', 'failed', 'expired', 'loggedOut']);

export interface Context {
  methods: AuthMethod[];
  method?: AuthMethod;
  session?: Session;
  via?: Via;
  attributes?: Attributes;
  /** The verified login has a session at the auth plugin: offer Logout, report activity. */
  logout?: boolean;
  /** Why the login failed, when it is not the login's own outcome: it ended in another browser. */
  reason?: IdentityReason;
  error?: { code: string; message: string };
  /** The login's purpose when it is not the element's own: a request's. */
  purpose?: string;
  /** The request shown, and the methods for its purpose. */
  request?: VerificationRequest;
  requestMethods?: AuthMethod[];
}

/** Inputs after which nothing of the login before is kept but the methods. */
const STARTS_OVER: ReadonlySet<InputType> = new Set(['load', 'cancel', 'logout', 'gone', 'restore']);

/** A request's inputs come and go over a state: they keep what it shows (its error too). */
const OVERLAY: ReadonlySet<InputType> = new Set(['request', 'decline', 'requestEnded']);

/** Every field an input brings but `type` (and the logout's `sessionId`, for listeners): each must be a `Context` field. */
type InputData = Exclude<KeysOf<Input>, 'type' | 'sessionId'>;
type KeysOf<T> = T extends unknown ? keyof T : never;

/**
 * The context after `input`: its data lands in the context, on what is kept.
 * An error belongs to the error state alone, so any other input drops it.
 */
function reduce(ctx: Context, input: Input): Context {
  const { type, sessionId: _forListeners, ...data } = input as Input & { sessionId?: string };
  const brought: Partial<Pick<Context, InputData>> = data;
  if (STARTS_OVER.has(type)) return { methods: ctx.methods, ...brought };
  // The request goes with any other input than its own.
  const { request: _request, requestMethods: _methods, ...rest } = ctx;
  if (OVERLAY.has(type)) return { ...rest, ...brought };
  const { error: _dropped, ...kept } = rest;
  return { ...kept, ...brought };
}

export function next(state: StateName, type: InputType): Target | undefined {
  return (TABLE[state] as Partial<Record<InputType, Target>>)[type];
}

/** States with a way back: entering one from another state remembers that one. */
const RETURNS: ReadonlySet<StateName> = new Set(
  (Object.keys(TABLE) as StateName[]).filter((state) => Object.values(TABLE[state]).includes(BACK as never)),
);

export type Listener = (state: StateName, ctx: Context, input: Input) => void;

export class Machine {
  state: StateName = 'idle';
  ctx: Context = { methods: [] };
  /** Where `BACK` goes. */
  #before: StateName = 'idle';

  readonly #listener: Listener;

  constructor(listener: Listener) {
    this.#listener = listener;
  }

  /** Applies an input; returns whether the current state accepted it. */
  send(input: Input): boolean {
    const found = next(this.state, input.type);
    if (!found) return false;
    const target = found === BACK ? this.#before : found;
    if (RETURNS.has(target) && target !== this.state) this.#before = this.state;
    this.ctx = reduce(this.ctx, input);
    this.state = target;
    this.#listener(target, this.ctx, input);
    return true;
  }
}
