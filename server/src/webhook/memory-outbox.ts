/**
 * In-memory WebhookOutbox for a single process. Bounded, so a receiver that
 * is down for long cannot make pending bodies fill the memory; what it holds
 * is lost on a restart (the Redis outbox will keep it).
 */
import type { PendingWebhook, WebhookOutbox } from './outbox.ts';

export const DEFAULT_MAX_PENDING_WEBHOOKS = 10_000;

export class MemoryWebhookOutbox implements WebhookOutbox {
  private readonly pending = new Map<string, PendingWebhook>();

  constructor(private readonly maxPending = DEFAULT_MAX_PENDING_WEBHOOKS) {}

  async enqueue(delivery: PendingWebhook): Promise<boolean> {
    if (this.pending.size >= this.maxPending) return false;
    this.pending.set(delivery.id, { ...delivery });
    return true;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<PendingWebhook[]> {
    const due = [...this.pending.values()]
      .filter((delivery) => delivery.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit);
    for (const delivery of due) delivery.dueAt = now + leaseMs;
    return due.map((delivery) => ({ ...delivery }));
  }

  async reschedule(id: string, attempts: number, dueAt: number): Promise<void> {
    const delivery = this.pending.get(id);
    if (!delivery) return;
    delivery.attempts = attempts;
    delivery.dueAt = dueAt;
  }

  async done(id: string): Promise<void> {
    this.pending.delete(id);
  }

  async cancelConversation(conversationDigest: string): Promise<number> {
    let cancelled = 0;
    for (const [id, delivery] of this.pending) {
      if (delivery.conversationDigest !== conversationDigest) continue;
      this.pending.delete(id);
      cancelled += 1;
    }
    return cancelled;
  }

  async nextDueAt(): Promise<number | undefined> {
    let next: number | undefined;
    for (const { dueAt } of this.pending.values()) if (next === undefined || dueAt < next) next = dueAt;
    return next;
  }
}
