/**
 * Wake-ups between instances: the messages a change publishes on its session's
 * or conversation's channel, what a watch holds, and the subscriber's channel
 * bookkeeping (which channels are wanted, which Redis confirmed, which
 * SUBSCRIBEs are still on their way).
 */
import type { IdentityRecord, RequestRecord, SessionChange } from '../session-store.ts';
import type { RedisConnection } from './connection.ts';

/** A message on a session's channel. `o` is the instance that sent it. */
export type SessionMessage =
  | { o: string; t: 'result' }
  | { o: string; t: 'deleted' }
  | { o: string; t: 'stream'; s: string }
  /** The binding took a deciding step. */
  | { o: string; t: 'bind' }
  /** The session's expiry moved (markDelivered): watchers re-arm their timers. */
  | { o: string; t: 'exp'; e: number };

export interface ConversationMessage {
  o: string;
  /** The changed identity, sealed. */
  r: string;
}

/** A message on a conversation's request channel. */
export interface RequestMessage {
  o: string;
  /** The request as opened or settled, sealed. */
  r: string;
}

export interface RequestWatch {
  conversation: string;
  key: string;
  channel: string;
  listeners: Set<{ listener: (record: RequestRecord) => void }>;
  /** The last version told (`id:status`): a resync tells only another. */
  seen?: string;
}

export interface SessionWatch {
  id: string;
  key: string;
  channel: string;
  listeners: Set<{ listener: (change: SessionChange) => void }>;
  timer?: NodeJS.Timeout;
  /** `deleted` has been told: nothing more will be. */
  ended: boolean;
  /** The session was seen alive (true), seen missing (false), or not read yet (undefined). Only a session seen alive can be told `deleted`. */
  known?: boolean;
  /** `result` has been told (a resync after a reconnect does not tell it twice). */
  sawResult: boolean;
}

export interface ConversationWatch {
  conversation: string;
  key: string;
  channel: string;
  listeners: Set<{ listener: (record: IdentityRecord) => void }>;
  /** The newest change told per identity (a resync tells only newer ones). */
  seen: Map<string, number>;
}

/** The channels one store listens on, over its subscriber connection. */
export class ChannelSubscriptions {
  /** Channel → what handles its messages, for every channel this store wants. */
  private readonly channels = new Map<string, (message: string) => void>();
  /** Channels Redis has confirmed. */
  private readonly subscribed = new Set<string>();
  /** SUBSCRIBEs not yet answered: calls wait for them (see the store's header). */
  private readonly subscribing = new Set<Promise<void>>();

  constructor(
    private readonly subscriber: RedisConnection,
    private readonly offlineWaitMs: number,
    private readonly isClosed: () => boolean,
  ) {}

  /**
   * Resolves once every SUBSCRIBE asked so far is answered, or the offline wait is over. Those
   * still unanswered then (the subscriber is away) are waited for no more: the resync after the
   * subscriber's reconnect covers them.
   */
  async settled(): Promise<void> {
    if (this.subscribing.size === 0) return;
    const waiting = [...this.subscribing];
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    await Promise.race([
      Promise.all(waiting),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          timedOut = true;
          resolve();
        }, this.offlineWaitMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) for (const pending of waiting) this.subscribing.delete(pending);
  }

  listen(channel: string, handler: (message: string) => void): void {
    this.channels.set(channel, handler);
    this.sendSubscribe(channel);
  }

  private sendSubscribe(channel: string): void {
    const pending: Promise<void> = this.subscriber.client
      .subscribe(channel, this.onMessage)
      .then(
        () => {
          if (this.channels.has(channel)) this.subscribed.add(channel);
        },
        () => {
          // Offline: subscribed again when the subscriber is back (resync).
        },
      )
      .finally(() => this.subscribing.delete(pending));
    this.subscribing.add(pending);
  }

  unlisten(channel: string): void {
    this.channels.delete(channel);
    this.subscribed.delete(channel);
    if (this.isClosed()) return;
    this.subscriber.client.unsubscribe(channel, this.onMessage).catch(() => {
      // Offline: the subscription went with the connection.
    });
  }

  private readonly onMessage = (message: string, channel: string): void => {
    this.channels.get(channel)?.(message);
  };

  /** The subscriber is back: subscribe what never was. */
  resubscribe(): void {
    for (const channel of this.channels.keys()) if (!this.subscribed.has(channel)) this.sendSubscribe(channel);
  }

  clear(): void {
    this.channels.clear();
  }
}
