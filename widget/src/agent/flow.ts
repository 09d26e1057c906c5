/**
 * Runs `<id-contact-agent>` for one backend and ticket: feeds the state
 * machine from the transport and does what inputs need (follow the stream,
 * send Forget). The element renders the machine and calls the actions below
 * from its buttons; a new ticket or backend gets a new flow.
 */
import { AgentMachine, type AgentListener } from './state.js';
import { followFeed, forgetIdentities, type FeedOptions } from './transport.js';

export class AgentFlow {
  readonly machine: AgentMachine;
  #unfollow?: () => void;
  readonly #backend: string;
  readonly #ticket: string;
  readonly #options?: FeedOptions;

  constructor(backend: string, ticket: string, onChange: AgentListener, options?: FeedOptions) {
    this.#backend = backend;
    this.#ticket = ticket;
    this.#options = options;
    this.machine = new AgentMachine((input, before) => {
      if (input.type === 'deny') this.stop();
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
        lost: () => send({ type: 'lost' }),
        denied: (code) => send({ type: 'deny', code }),
      },
      this.#options,
    );
    if (feed === 'idle') send({ type: 'connect' });
  }

  /** Stops all network activity (the element left the page); start() resumes. */
  stop(): void {
    this.#unfollow?.();
    this.#unfollow = undefined;
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
