/**
 * Runs `<id-contact-agent>` for one backend and ticket: feeds the state
 * machine from the transport and does what inputs need (follow the stream,
 * send Forget, ask the resident to log in, notice a pending request lapse).
 * The element renders the machine and calls the actions below from its
 * controls; a new ticket or backend gets a new flow.
 */
import { AgentMachine, type AgentListener } from './state.js';
import { askToVerify, followFeed, forgetIdentities, type FeedOptions } from './transport.js';
import type { VerificationRequest } from '../shared/wire.js';

/** After `expires_at`, how long the stream has to say so before the element does (clocks differ a little). */
const LAPSE_GRACE_MS = 2000;

export class AgentFlow {
  readonly machine: AgentMachine;
  #unfollow?: () => void;
  #lapse?: ReturnType<typeof setTimeout>;
  readonly #backend: string;
  readonly #ticket: string;
  readonly #options?: FeedOptions;

  constructor(backend: string, ticket: string, onChange: AgentListener, options?: FeedOptions) {
    this.#backend = backend;
    this.#ticket = ticket;
    this.#options = options;
    this.machine = new AgentMachine((input, before) => {
      if (input.type === 'deny') this.stop();
      if (this.machine.ctx.request !== before.ctx.request) this.#watchLapse();
      onChange(input, before);
    });
  }

  /** Begins, or picks up again after stop(); nothing without a ticket or after a refusal. */
  start(): void {
    const { feed } = this.machine;
    if (!this.#ticket || feed === 'denied') return;
    this.stop();
    const send = this.machine.send.bind(this.machine);
    this.#unfollow = followFeed(
      this.#backend,
      this.#ticket,
      {
        open: () => send({ type: 'open' }),
        identity: (identity) => send({ type: 'identity', identity }),
        request: (request) => send(request?.status === 'pending' ? { type: 'pending', request } : { type: 'settled', request }),
        lost: () => send({ type: 'lost' }),
        denied: (code) => send({ type: 'deny', code }),
      },
      this.#options,
    );
    if (feed === 'idle') send({ type: 'connect' });
    this.#watchLapse();
  }

  /** Stops all network activity (the element left the page); start() resumes. */
  stop(): void {
    this.#unfollow?.();
    this.#unfollow = undefined;
    clearTimeout(this.#lapse);
  }

  /** A pending request ends at `expires_at` even if the stream misses saying so. */
  #watchLapse(): void {
    clearTimeout(this.#lapse);
    const request: VerificationRequest | null = this.machine.ctx.request;
    if (request?.status !== 'pending') return;
    const wait = Date.parse(request.expires_at) - Date.now() + LAPSE_GRACE_MS;
    // setTimeout holds at most 2^31-1 ms; a request is never meant to last that long.
    if (wait < 2 ** 31) this.#lapse = setTimeout(() => this.machine.send({ type: 'lapse', id: request.id }), Math.max(0, wait));
  }

  /** Asks the resident to log in for `purpose`; only with access, and while no request is pending. */
  askToVerify(purpose: string): void {
    const { feed } = this.machine;
    if ((feed !== 'live' && feed !== 'reconnecting') || !this.machine.send({ type: 'askVerify', purpose })) return;
    void askToVerify(this.#backend, this.#ticket, purpose).then((outcome) =>
      this.machine.send(
        'request' in outcome
          ? { type: 'asked', request: outcome.request }
          : outcome.error === 'ticket_expired' || outcome.error === 'invalid_ticket'
            ? { type: 'deny', code: outcome.error }
            : { type: 'askFailed', error: outcome.error },
      ),
    );
  }

  /** Forget, first step: ask for confirmation. */
  ask(): void {
    this.machine.send({ type: 'ask' });
  }

  cancel(): void {
    this.machine.send({ type: 'cancel' });
  }

  /** Forget, confirmed: the backend deletes every attribute of the conversation. */
  confirm(): void {
    if (!this.machine.send({ type: 'confirm' })) return;
    void forgetIdentities(this.#backend, this.#ticket).then((outcome) =>
      this.machine.send(
        outcome === 'ok' ? { type: 'forgot' } : outcome === 'failed' ? { type: 'forgetFailed' } : { type: 'deny', code: outcome },
      ),
    );
  }
}
