/**
 * Signed webhooks to the site's server (Standard Webhooks): each identity
 * change is POSTed to IDC_WEBHOOK_URL as `{"type","timestamp","data"}` with
 * webhook-id, webhook-timestamp and webhook-signature headers.
 *
 * `send()` only queues, so a slow or failing receiver never reaches the
 * caller. One timer drives delivery from the outbox: a non-2xx answer
 * (a redirect too: it is never followed), a timeout or a network error is
 * retried with the same webhook-id, after 2 s, 5 s, 30 s, 2 min and 10 min,
 * then given up. Logs name the event type, attempt and reason, never the URL,
 * the body or anything in it.
 */
import { randomBytes } from 'node:crypto';
import { digest } from '../crypto/secrets.ts';
import { Webhook } from 'standardwebhooks';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { MemoryWebhookOutbox } from './memory-outbox.ts';
import type { PendingWebhook, WebhookOutbox } from './outbox.ts';
import type { WebhookEventType } from '../protocol.ts';

// One definition, with the wire schema; re-exported for the sender's callers.
export type { WebhookEventType } from '../protocol.ts';

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
/** Delays before each retry; its length is the number of retries. */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [2_000, 5_000, 30_000, 120_000, 600_000];
/** How often an idle sender looks for deliveries that another instance left in a shared outbox. */
export const DEFAULT_WEBHOOK_POLL_INTERVAL_MS = 30_000;
/** An identity is a few hundred bytes; anything near this is a bug, not an event. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;
/** Deliveries attempted at once: a receiver coming back is not flooded. */
const BATCH_SIZE = 8;
/** A claim outlives an attempt (bounded by the timeout) by this much; it only runs out if the instance died. */
const LEASE_MARGIN_MS = 30_000;

export interface WebhookSenderOptions {
  url: string;
  /** `whsec_` + base64 of the key, as config.ts has checked it. */
  secret: string;
  logger: Logger;
  /** Counts attempts by type and outcome (idc_webhook_deliveries_total). */
  metrics?: Pick<Metrics, 'webhookDeliveries'>;
  outbox?: WebhookOutbox;
  timeoutMs?: number;
  retryDelaysMs?: readonly number[];
  pollIntervalMs?: number;
  maxBodyBytes?: number;
  /** The sender's clock (epoch ms), for timestamps and due times. */
  now?: () => number;
}

type AttemptOutcome = { delivered: true } | { delivered: false; reason: string };

export class WebhookSender {
  private readonly url: string;
  private readonly signer: Webhook;
  private readonly logger: Logger;
  private readonly metrics?: Pick<Metrics, 'webhookDeliveries'>;
  private readonly outbox: WebhookOutbox;
  private readonly timeoutMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly pollIntervalMs: number;
  private readonly maxBodyBytes: number;
  private readonly now: () => number;
  /** Aborts attempts in flight when the sender closes. */
  private readonly closing = new AbortController();
  private timer?: NodeJS.Timeout;
  /** The delivery pass under way, if any. */
  private running?: Promise<void>;
  /** Something was queued since the current pass last looked. */
  private wanted = false;
  /** Enqueues not yet answered: cancelling a conversation waits for them, so none lands after it. */
  private readonly enqueuing = new Set<Promise<unknown>>();

  constructor(options: WebhookSenderOptions) {
    this.url = options.url;
    this.signer = new Webhook(options.secret);
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.outbox = options.outbox ?? new MemoryWebhookOutbox();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_WEBHOOK_POLL_INTERVAL_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
    this.now = options.now ?? Date.now;
    // A shared outbox may hold deliveries from before a restart.
    this.arm(0);
  }

  /**
   * Queues the event for delivery. Never throws and never waits on the receiver. `conversation`:
   * the body carries that conversation's attributes, and cancelConversation() drops it while it waits.
   */
  send(type: WebhookEventType, data: object, { conversation }: { conversation?: string } = {}): void {
    if (this.closing.signal.aborted) {
      this.logger.warn('webhook not sent: sender closed', { type });
      this.count(type, 'not_sent');
      return;
    }
    let body: string;
    try {
      body = JSON.stringify({ type, timestamp: new Date(this.now()).toISOString(), data });
    } catch {
      this.logger.error('webhook not sent: data is not JSON', { type });
      this.count(type, 'not_sent');
      return;
    }
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > this.maxBodyBytes) {
      this.logger.warn('webhook not sent: body too large', { type, bytes });
      this.count(type, 'not_sent');
      return;
    }
    const delivery: PendingWebhook = {
      id: newWebhookId(),
      type,
      body,
      attempts: 0,
      dueAt: this.now(),
      ...(conversation !== undefined ? { conversationDigest: digest(conversation) } : {}),
    };
    const enqueued = this.outbox.enqueue(delivery).then(
      (kept) => {
        if (kept) return this.wake();
        this.logger.warn('webhook not sent: outbox full', { type });
        this.count(type, 'not_sent');
      },
      () => {
        this.logger.error('webhook not sent: outbox unavailable', { type });
        this.count(type, 'not_sent');
      },
    );
    this.enqueuing.add(enqueued);
    void enqueued.finally(() => this.enqueuing.delete(enqueued));
  }

  /**
   * The conversation was forgotten: deliveries queued with its attributes are dropped, here and
   * in a shared outbox (an attempt already under way may still land). Resolves with how many;
   * rejects when the outbox is unavailable.
   */
  async cancelConversation(conversation: string): Promise<number> {
    await Promise.all([...this.enqueuing]);
    const cancelled = await this.outbox.cancelConversation(digest(conversation));
    if (cancelled > 0) this.logger.info('webhook deliveries cancelled: conversation forgotten', { deliveries: cancelled });
    return cancelled;
  }

  /** Stops the timer and aborts attempts in flight (they stay queued); resolves when the current pass has ended. */
  async close(): Promise<void> {
    this.closing.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private wake(): void {
    this.wanted = true;
    if (this.running || this.closing.signal.aborted) return;
    this.arm(0);
  }

  /** The one timer: at most one is ever pending. */
  private arm(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.run().then((nextDelayMs) => {
        this.running = undefined;
        if (!this.closing.signal.aborted) this.arm(this.wanted ? 0 : nextDelayMs);
      });
    }, delayMs);
    // Pending retries alone do not keep the process up; the server does.
    this.timer.unref();
  }

  /** Delivers everything due; returns when to look again. Never rejects. */
  private async run(): Promise<number> {
    try {
      do {
        this.wanted = false;
        await this.deliverDue();
      } while (this.wanted && !this.closing.signal.aborted);
      const next = await this.outbox.nextDueAt();
      if (next === undefined) return this.pollIntervalMs;
      return Math.min(Math.max(0, next - this.now()), this.pollIntervalMs);
    } catch {
      this.logger.error('webhook outbox unavailable');
      return this.pollIntervalMs;
    }
  }

  private async deliverDue(): Promise<void> {
    while (!this.closing.signal.aborted) {
      const batch = await this.outbox.claimDue(this.now(), BATCH_SIZE, this.timeoutMs + LEASE_MARGIN_MS);
      if (batch.length === 0) return;
      await Promise.all(batch.map((delivery) => this.deliver(delivery)));
    }
  }

  private async deliver(delivery: PendingWebhook): Promise<void> {
    const outcome = await this.attempt(delivery);
    if (outcome.delivered) {
      this.count(delivery.type, 'delivered');
      return this.outbox.done(delivery.id);
    }
    // Closing is not the receiver's fault: the attempt does not count, and the delivery stays due.
    if (this.closing.signal.aborted) return this.outbox.reschedule(delivery.id, delivery.attempts, this.now());
    const attempts = delivery.attempts + 1;
    const delay = this.retryDelaysMs[attempts - 1];
    if (delay === undefined) {
      await this.outbox.done(delivery.id);
      this.logger.warn('webhook delivery given up', { type: delivery.type, attempts });
      this.count(delivery.type, 'given_up');
      return;
    }
    this.logger.info('webhook delivery failed, will retry', { type: delivery.type, attempt: attempts, reason: outcome.reason });
    this.count(delivery.type, 'failed');
    await this.outbox.reschedule(delivery.id, attempts, this.now() + delay);
  }

  private count(type: string, outcome: 'delivered' | 'failed' | 'given_up' | 'not_sent'): void {
    this.metrics?.webhookDeliveries.inc({ type, outcome });
  }

  private async attempt(delivery: PendingWebhook): Promise<AttemptOutcome> {
    // A fresh timestamp and signature per attempt (the spec allows it), so a late retry is not refused as stale.
    const sentAt = new Date(this.now());
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': this.signer.sign(delivery.id, sentAt, delivery.body),
        },
        body: delivery.body,
        // A redirect could send the signed identity elsewhere; a 3xx is a failure like any non-2xx.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.closing.signal]),
      });
      // The answer's body is not needed; not reading it keeps a large one out of memory.
      await response.body?.cancel().catch(() => undefined);
      return response.status >= 200 && response.status < 300
        ? { delivered: true }
        : { delivered: false, reason: `status ${response.status}` };
    } catch (error) {
      return { delivered: false, reason: error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'unreachable' };
    }
  }
}

/** `msg_` and 144 random bits: unguessable, and free of the `.` that separates the signed parts. */
function newWebhookId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`;
}
