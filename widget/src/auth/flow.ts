/**
 * Runs one authentication: feeds the state machine from the transport and
 * the browser (the login window: login-window.ts; the record kept for a
 * reload: stored-login.ts) and does what each state needs on entry. The
 * element only renders the machine and calls the actions below from its
 * buttons.
 */
import { takeChatLink, type ChatLink } from './chat-link.js';
import { AT_REST, FINAL, Machine, next, type Context, type Input, type Listener, type Session, type StateName, type Via } from './state.js';
import { declineRequest, followRequests, type RequestChannelOptions } from './request-channel.js';
import {
  attachSession,
  createSession,
  fetchOptions,
  sessionFeedback,
  TransportError,
  watchSession,
  type StreamOptions,
} from './transport.js';
import {
  closeWhenSettled,
  fillWindow,
  newWindowName,
  openLoginWindow,
  submitLaunch,
  WINDOW_NAME,
  watchWindow,
} from './login-window.js';
import { sessionStore, StoredLogin } from './stored-login.js';
import type { AttachedSession, AuthMethod, Session as StartedSession, VerificationRequest } from '../shared/wire.js';

/** The input that reports an error. */
function failure(e: unknown): Input {
  const error = e instanceof TransportError ? e : new TransportError('error', String(e));
  return { type: 'fail', error: { code: error.code, message: error.message } };
}

const hasLoginPage = (s: Session | undefined): s is StartedSession => typeof s?.launch_url === 'string';

/**
 * Least time between two activity reports. The backend forwards at most one a
 * minute anyway; this spares it a request per keystroke of a chat.
 */
export const ACTIVITY_INTERVAL_MS = 30_000;
/** `mode="auto"`: leave the page on phones (a popup is a new tab there, and the app switch loses it), else a popup. */
export const prefersRedirect = (): boolean => matchMedia('(pointer: coarse), (max-width: 599.98px)').matches;

export interface FlowConfig {
  readonly backend: string;
  readonly purpose: string;
  readonly mode: 'popup' | 'redirect';
  /** The widget's language, for the return page. */
  readonly lang?: string;
  /** What the login window says while the core is asked (instead of a blank page). */
  startingText?(method: AuthMethod): string;
  /** The site's guest ticket, when it binds logins to its conversations. */
  readonly ticket?: string;
  /** Follow the conversation's requests (with the ticket) while no login runs. */
  readonly listen?: boolean;
}

/** The browser, where a test or a later embedding needs another one. */
export interface FlowSeams {
  openWindow(url: string, name: string): Window | null;
  /** Starts the login in the window named `target` (`_self`: this page), see login-window.ts. */
  launch(session: StartedSession, target: string): void;
  returnUrl(): string;
  storage(): Storage | undefined;
  /** Takes a core-initiated session's link out of the address bar. */
  chatLink(): ChatLink | undefined;
  stream?: StreamOptions;
  requests?: RequestChannelOptions;
}

/**
 * The request channel stays open in these: the states where a request may be
 * shown, and the moments between them (loading the methods), so a waiting
 * resident holds one stream, never two: it closes when a login starts.
 */
const LISTENING: ReadonlySet<StateName> = new Set([...AT_REST, 'loading', 'restoring']);

export const browserSeams: FlowSeams = {
  openWindow: openLoginWindow,
  launch: submitLaunch,
  returnUrl: () => location.href,
  storage: sessionStore,
  chatLink: takeChatLink,
};

export class AuthFlow {
  readonly machine: Machine;
  #loading?: AbortController;
  #unwatch?: () => void;
  #popup: Window | null = null;
  /** Numbers each choice, so a late answer to an abandoned one is dropped. */
  #attempt = 0;
  /** The name of this login's window, for reopening it and for the new-tab link. */
  windowName = WINDOW_NAME;
  /** Between start and stop: only then may a stream be open. */
  #active = false;
  #lastActivity = -Infinity;
  #unwatchWindow?: () => void;
  readonly #config: FlowConfig;
  readonly #seams: FlowSeams;
  readonly #stored: StoredLogin;
  /** Stops the request channel; with the ticket it was opened with. */
  #stopRequests?: () => void;
  #requestTicket?: string;
  /** A ticket the backend refused: not tried again. */
  #deniedTicket?: string;
  /** The conversation's latest request, as the open channel last said. */
  #current?: VerificationRequest | null;
  /** Requests declined or chosen here: never shown again. */
  readonly #handled = new Set<string>();
  /** Fetching the methods of the request about to be shown. */
  #offering?: { id: string; controller: AbortController };

  constructor(config: FlowConfig, onChange: Listener, seams: FlowSeams = browserSeams) {
    this.#config = config;
    this.#seams = seams;
    this.#stored = new StoredLogin(seams.storage, config.backend, config.purpose);
    this.machine = new Machine((state, ctx, input) => {
      this.#enter(state, ctx);
      onChange(state, ctx, input);
    });
  }

  get state(): StateName {
    return this.machine.state;
  }
  get ctx(): Context {
    return this.machine.ctx;
  }

  /** Begins, or picks up a session this page started before it reloaded. */
  start(): void {
    this.#active = true;
    const { state, ctx } = this.machine;
    if (state === 'idle') {
      // A chat link wins over a stored session: it is the newer one, and is spent if not used now.
      const link = this.#seams.chatLink();
      const stored = link ? undefined : this.#stored.recall();
      if (link) this.#attach(link);
      else if (stored && 'signedIn' in stored) this.machine.send({ type: 'restore', session: stored.session, logout: true });
      else if (stored) this.machine.send({ type: 'resume', session: stored.session, via: stored.via });
      else this.machine.send({ type: 'load' });
    } else if ((state === 'waiting' || state === 'reconnecting' || state === 'closed') && ctx.session) {
      this.#watch(ctx.session);
      if (this.#popup) this.#watchWindow();
    } else if (state === 'loading') {
      this.machine.send({ type: 'load' });
    } else if (state === 'starting') {
      this.machine.send({ type: 'cancel' }); // stop() abandoned that choice
    }
    this.syncRequests();
  }

  /** Stops all network activity; `start` takes up where it left off. */
  stop(): void {
    this.#active = false;
    this.#unwatchWindow?.();
    this.#attempt++; // a session still being created is abandoned, its window closed
    this.#loading?.abort();
    this.#stopWatching();
    this.syncRequests();
  }

  /**
   * Starts a login with `method`: from the chooser, from a request (for its
   * purpose), or again after a failed or expired one (for the same purpose).
   */
  choose(method: AuthMethod, purpose = this.state === 'requested' ? this.ctx.request?.purpose : this.ctx.purpose): void {
    const { backend, lang, mode } = this.#config;
    if (!next(this.state, 'choose')) return; // the table says where a choice is taken
    if (this.state === 'requested') this.#handled.add(this.ctx.request!.id);
    this.windowName = newWindowName();
    // Open the window now, inside the click: after an await browsers block it.
    // It stays about:blank (a page of another origin would be a navigation
    // that the one to the login page races), but says what is going on.
    const popup = mode === 'popup' ? this.#seams.openWindow('about:blank', this.windowName) : null;
    if (popup) this.#fillWindow(popup, method);
    const attempt = ++this.#attempt;
    this.machine.send({ type: 'choose', method, purpose });
    createSession(backend, {
      purpose: purpose ?? this.#config.purpose,
      auth_method: method.tag,
      return_url: this.#seams.returnUrl(),
      // Left out of the JSON when undefined: a site without tickets sends what it always did.
      lang,
      ticket: this.#config.ticket,
    }).then(
      (session) => {
        if (attempt !== this.#attempt || this.state !== 'starting') {
          popup?.close();
        } else if (mode === 'redirect') {
          this.#redirect(session);
        } else if (!popup || popup.closed) {
          this.machine.send({ type: 'blocked', session });
        } else {
          this.#seams.launch(session, this.windowName);
          this.#popup = popup;
          this.#begin(session, 'popup');
          this.#watchWindow();
        }
      },
      (e: unknown) => {
        popup?.close();
        if (attempt === this.#attempt) this.#fail(e);
      },
    );
  }

  #fillWindow(popup: Window, method: AuthMethod): void {
    fillWindow(popup, this.#config.lang ?? '', method.name, this.#config.startingText?.(method) ?? '');
  }

  /** The user opens the login page through the fallback link (its click, so no popup blocker stops it). */
  openInTab(event?: Event): void {
    event?.preventDefault();
    const { session } = this.ctx;
    if (this.state !== 'blocked' || !hasLoginPage(session)) return;
    this.#seams.launch(session, this.windowName);
    this.#begin(session, 'tab');
  }

  /** The user gave up on a popup and goes to the login page with this window. */
  continueHere(): void {
    const { session } = this.ctx;
    if (this.state === 'blocked' && hasLoginPage(session)) this.#redirect(session);
  }

  /**
   * Opens the login window again: a new login with the same method. A launch
   * ties its login to the browser once, and the old window may still be open
   * somewhere (it is closed, and its login abandoned).
   */
  reopen(): void {
    const { method, purpose } = this.ctx;
    if (!method || !next(this.state, 'cancel')) return;
    this.cancel();
    this.choose(method, purpose);
  }

  /** The login window being closed (by the user) is a state of its own; see login-window.ts. */
  #watchWindow(): void {
    this.#unwatchWindow?.();
    const popup = this.#popup!;
    const waiting = () => (this.state === 'waiting' || this.state === 'reconnecting') && this.#popup === popup;
    this.#unwatchWindow = watchWindow(popup, waiting, () => {
      this.#popup = null;
      this.machine.send({ type: 'closed' });
    });
  }

  cancel(): void {
    this.#attempt++;
    const popup = this.#popup;
    if (popup) closeWhenSettled(popup);
    this.#popup = null;
    this.machine.send({ type: 'cancel' });
  }

  /** Retry after an error, a failure or an expiry: resumes a lost stream, else starts over. */
  retry(): void {
    const { session, via } = this.ctx;
    if (this.state === 'error' && session && via) this.machine.send({ type: 'resume', session, via });
    else this.machine.send({ type: 'load' });
  }

  /** "Not now" to the request shown: back to what was shown before; the backend is told. */
  decline(): void {
    const { request } = this.ctx;
    const ticket = this.#requestTicket;
    if (this.state !== 'requested' || !request) return;
    this.#handled.add(request.id);
    this.machine.send({ type: 'decline' });
    // Not pending any more (404, 409), or unreachable: the employee sees it expire.
    if (ticket) declineRequest(this.#config.backend, ticket, request.id).catch(() => undefined);
  }

  /**
   * Opens or closes the request channel as it should be: open while started,
   * `listen` set with a ticket the backend has not refused, and no login
   * runs. Called on every state change, and by the element when `listen` or
   * the ticket changes.
   */
  syncRequests(): void {
    const { listen, ticket } = this.#config;
    const wanted = this.#active && listen && ticket && ticket !== this.#deniedTicket && LISTENING.has(this.state) ? ticket : undefined;
    if (wanted === this.#requestTicket) return;
    this.#stopRequests?.();
    this.#stopRequests = undefined;
    this.#offering?.controller.abort();
    this.#offering = undefined;
    this.#current = undefined;
    this.#requestTicket = wanted;
    if (wanted) {
      this.#stopRequests = followRequests(
        this.#config.backend,
        wanted,
        {
          request: (request) => {
            this.#current = request;
            this.#offer();
          },
          denied: () => {
            this.#deniedTicket = wanted;
            this.syncRequests();
          },
        },
        this.#seams.requests,
      );
    } else if (this.#active && this.state === 'requested') {
      // No longer listening (attribute removed, ticket refused): the request goes.
      this.machine.send({ type: 'requestEnded' });
    }
  }

  /**
   * Shows the current request if it is pending and may be shown now (after
   * fetching the methods for its purpose), or ends the one shown when it is
   * no longer pending.
   */
  #offer(): void {
    const current = this.#current;
    const live = current?.status === 'pending' && !this.#handled.has(current.id) ? current : undefined;
    const shown = this.state === 'requested' ? this.ctx.request : undefined;
    if (shown && !live) {
      this.machine.send({ type: 'requestEnded' });
      return;
    }
    if (!live || live.id === shown?.id || live.id === this.#offering?.id || !AT_REST.has(this.state)) return;
    this.#offering?.controller.abort();
    const controller = new AbortController();
    this.#offering = { id: live.id, controller };
    // Without its methods (the core unreachable) it is still shown: the resident can say "not now".
    fetchOptions(this.#config.backend, live.purpose, controller.signal)
      .catch(() => [])
      .then((requestMethods) => {
        if (controller.signal.aborted) return;
        this.#offering = undefined;
        const request = this.#current;
        if (request?.id === live.id && request.status === 'pending' && AT_REST.has(this.state)) {
          this.machine.send({ type: 'request', request, requestMethods });
        }
      });
  }

  /**
   * Ends the login session: the widget forgets the attributes at once; the
   * backend drops its copy and tells the auth plugin. Nothing the backend or
   * the plugin does can keep the user logged in here.
   */
  logout(): void {
    const { session } = this.ctx;
    if (!this.signedIn || !session) return;
    sessionFeedback(this.#config.backend, session, 'logout').catch(() => undefined);
    this.machine.send({ type: 'logout', sessionId: session.session_id });
  }

  /** The user did something meaningful; passed on (throttled) while a login session lasts. */
  reportActivity(now = Date.now()): void {
    const { session, logout } = this.ctx;
    if (!this.signedIn || !logout || !session || now - this.#lastActivity < ACTIVITY_INTERVAL_MS) return;
    this.#lastActivity = now;
    sessionFeedback(this.#config.backend, session, 'activity').catch((e: unknown) => this.#ended(e, session));
  }

  /** Showing a verified login, with or without its attributes. */
  get signedIn(): boolean {
    return this.state === 'success' || this.state === 'signedIn';
  }

  /**
   * Whether a feedback call failed because the backend no longer has the
   * session (logged out elsewhere, past its lifetime): then nobody is logged
   * in any more, and the record goes. From `signedIn` that means the chooser;
   * `success` still shows what was verified.
   */
  #ended(e: unknown, session: AttachedSession): boolean {
    const status = e instanceof TransportError ? e.status : undefined;
    // 403: the stored token does not open this session; nothing can be done with it either.
    if ((status !== 404 && status !== 403) || this.ctx.session?.session_id !== session.session_id) return false;
    this.#stored.forget();
    this.machine.send({ type: 'gone' });
    return true;
  }

  /** Exchanges the chat link's one-time reference for the session's stream. */
  #attach(link: ChatLink): void {
    this.machine.send({ type: 'attach' });
    attachSession(this.#config.backend, { ...link, ticket: this.#config.ticket }).then(
      (session) => {
        // The reference is spent now: a reload must find the session in storage.
        this.#stored.remember({ session, via: 'chat' });
        this.machine.send({ type: 'started', session, via: 'chat' });
      },
      (e: unknown) => {
        // 404: spent or expired. A 400 or 409 with a result means the result was refused.
        const status = e instanceof TransportError ? e.status : undefined;
        const refused = status === 404 || status === 400 || status === 409;
        if (!refused) this.#fail(e);
        else {
          const code = link.result && status !== 404 ? 'bad_result' : 'unknown_reference';
          this.machine.send({ type: 'fail', error: { code, message: (e as Error).message } });
        }
      },
    );
  }

  #begin(session: Session, via: Via): void {
    this.#stored.remember({ session, via });
    this.machine.send({ type: 'started', session, via });
  }

  #redirect(session: StartedSession): void {
    this.#stored.remember({ session, via: 'redirect' });
    this.machine.send({ type: 'redirect', session });
    this.#seams.launch(session, '_self');
  }

  #fail(e: unknown): void {
    this.machine.send(failure(e));
  }

  /** Effects of entering a state. */
  #enter(state: StateName, ctx: Context): void {
    this.syncRequests();
    // After this entry is told: a request that came while the widget was busy is shown now.
    if (this.#stopRequests) queueMicrotask(() => this.#offer());
    if (state === 'loading') {
      this.#loading?.abort();
      const controller = (this.#loading = new AbortController());
      const { backend, purpose } = this.#config;
      (purpose
        ? fetchOptions(backend, purpose, controller.signal)
        : Promise.reject(new TransportError('unknown_purpose', 'The purpose attribute is missing'))
      ).then(
        (methods) => this.machine.send(methods.length ? { type: 'options', methods } : { type: 'noOptions' }),
        (e: unknown) => controller.signal.aborted || this.#fail(e),
      );
    } else if (state === 'restoring') {
      // Is the login session still there? An activity report answers 404 when
      // it is gone, and costs no more than the reports the chat sends anyway:
      // the backend forwards at most one a minute, and a reload is the user
      // at work. The stream is not reopened: it would offer the attributes
      // again while the backend still has them, and they are not to come back.
      // Checking now, not at Logout, keeps a stale "logged in" off the screen.
      const session = ctx.session!;
      sessionFeedback(this.#config.backend, session, 'activity').then(
        () => this.machine.send({ type: 'restored' }),
        // Unreachable or failing: the user may well still be logged in; Logout
        // still clears the widget and is sent all the same.
        (e: unknown) => this.#ended(e, session) || this.machine.send({ type: 'restored' }),
      );
    } else if (state === 'waiting') {
      if (this.#active && !this.#unwatch && ctx.session) this.#watch(ctx.session);
    } else if (state === 'success' && ctx.logout && ctx.session) {
      this.#stopWatching();
      // The login session outlives this page: keep what Logout needs after a reload.
      const { session_id, events_url } = ctx.session;
      this.#stored.remember({ signedIn: true, backend: this.#config.backend, session: { session_id, events_url } });
    } else if (state === 'error') {
      this.#stopWatching();
    } else if (FINAL.has(state) || state === 'choosing') {
      this.#stopWatching();
      this.#stored.forget();
    }
  }

  #watch(session: Session): void {
    this.#stopWatching();
    const send = (input: Input) => this.machine.send(input);
    // The stream closed itself: nothing left to stop.
    const last = (input: Input) => {
      this.#unwatch = undefined;
      send(input);
    };
    this.#unwatch = watchSession(
      session.events_url,
      {
        live: () => send({ type: 'live' }),
        lost: () => send({ type: 'lost' }),
        result: (r) =>
          last(r.status === 'succes' ? { type: 'succeeded', attributes: r.attributes, logout: r.logout } : { type: 'failed', reason: r.reason }),
        expired: () => last({ type: 'expired' }),
        giveUp: (e) => last(failure(e)),
      },
      this.#seams.stream,
    );
  }

  #stopWatching(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }
}
