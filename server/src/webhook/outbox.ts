/**
 * Webhook deliveries waiting for their next attempt, behind one small
 * interface.
 *
 * The sender treats the outbox as shared and remote (a Redis implementation
 * will follow, so that another instance delivers what a crashed one left):
 * every call is async, and a delivery is claimed for a lease before it is
 * attempted, so two instances do not send it at once and the claim of an
 * instance that died runs out. Delivery is at least once; receivers drop
 * duplicates by webhook-id.
 */

export interface PendingWebhook {
  /** The webhook-id: the same on every attempt, so the receiver can tell a retry from a new event. */
  id: string;
  /** The event type, for logs (the body never is logged). */
  type: string;
  /** The JSON body, fixed when the event was sent: every attempt sends the same bytes. */
  body: string;
  /** Attempts made so far. */
  attempts: number;
  /** Epoch ms when the next attempt is due. */
  dueAt: number;
  /**
   * Digest of the conversation whose attributes the body carries (crypto/secrets.ts `digest`), so that
   * forgetting the conversation can cancel it while it waits; absent for bodies without any.
   */
  conversationDigest?: string;
}

export interface WebhookOutbox {
  /** Keeps a delivery until done; false when the outbox is full and it was not kept. */
  enqueue(delivery: PendingWebhook): Promise<boolean>;
  /**
   * Up to `limit` deliveries due at `now`, earliest first. Each is claimed until `now + leaseMs`:
   * no other claim returns it before then, unless it is rescheduled.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<PendingWebhook[]>;
  /** After a failed attempt: the attempts made so far and when to try next. Nothing for an unknown id. */
  reschedule(id: string, attempts: number, dueAt: number): Promise<void>;
  /** Delivered or given up: forgets the delivery and its body (which may hold personal data). */
  done(id: string): Promise<void>;
  /** When the earliest delivery is due (claimed ones at their lease's end); undefined when none waits. */
  nextDueAt(): Promise<number | undefined>;
  /**
   * The conversation was forgotten: every delivery queued with this `conversationDigest`, claimed
   * or not, is dropped with its body (an attempt in flight may still land; it is not retried).
   * Returns how many were dropped.
   */
  cancelConversation(conversationDigest: string): Promise<number>;
}
