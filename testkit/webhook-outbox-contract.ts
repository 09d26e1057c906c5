/**
 * What every WebhookOutbox must do, as one suite: the in-memory outbox runs
 * it now, and a Redis outbox will run the same tests before it is trusted.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { PendingWebhook, WebhookOutbox } from '../server/src/webhook/outbox.ts';

export function describeWebhookOutbox(name: string, makeOutbox: () => WebhookOutbox) {
  describe(`${name} (WebhookOutbox contract)`, () => {
    let outbox: WebhookOutbox;
    beforeEach(() => {
      outbox = makeOutbox();
    });

    const t0 = 1_800_000_000_000;
    const delivery = (id: string, dueAt = t0, overrides: Partial<PendingWebhook> = {}): PendingWebhook => ({
      id,
      type: 'identity.verified',
      body: JSON.stringify({ type: 'identity.verified', data: { attributes: { bsn: '999993653' } } }),
      attempts: 0,
      dueAt,
      ...overrides,
    });

    it('holds nothing at first', async () => {
      expect(await outbox.nextDueAt()).toBeUndefined();
      expect(await outbox.claimDue(t0, 10, 1000)).toEqual([]);
    });

    it('gives a delivery back exactly as queued once it is due, and not before', async () => {
      expect(await outbox.enqueue(delivery('msg_a', t0 + 500))).toBe(true);
      expect(await outbox.nextDueAt()).toBe(t0 + 500);
      expect(await outbox.claimDue(t0 + 499, 10, 1000)).toEqual([]);
      const [claimed] = await outbox.claimDue(t0 + 500, 10, 1000);
      expect(claimed).toMatchObject({ id: 'msg_a', type: 'identity.verified', body: delivery('msg_a').body, attempts: 0 });
    });

    it('gives the earliest first, at most the limit', async () => {
      await outbox.enqueue(delivery('msg_late', t0 + 30));
      await outbox.enqueue(delivery('msg_early', t0 + 10));
      await outbox.enqueue(delivery('msg_middle', t0 + 20));
      expect((await outbox.claimDue(t0 + 100, 2, 1000)).map((d) => d.id)).toEqual(['msg_early', 'msg_middle']);
      expect((await outbox.claimDue(t0 + 100, 2, 1000)).map((d) => d.id)).toEqual(['msg_late']);
    });

    it('claims for the lease: no second claim gets it until the lease runs out (an instance that died)', async () => {
      await outbox.enqueue(delivery('msg_a'));
      expect(await outbox.claimDue(t0, 10, 1000)).toHaveLength(1);
      expect(await outbox.claimDue(t0 + 999, 10, 1000)).toEqual([]);
      expect(await outbox.nextDueAt()).toBe(t0 + 1000);
      expect((await outbox.claimDue(t0 + 1000, 10, 1000)).map((d) => d.id)).toEqual(['msg_a']);
    });

    it('reschedules with the attempts made, before the lease runs out', async () => {
      await outbox.enqueue(delivery('msg_a'));
      await outbox.claimDue(t0, 10, 60_000);
      await outbox.reschedule('msg_a', 1, t0 + 2000);
      expect(await outbox.nextDueAt()).toBe(t0 + 2000);
      expect(await outbox.claimDue(t0 + 1999, 10, 60_000)).toEqual([]);
      expect(await outbox.claimDue(t0 + 2000, 10, 60_000)).toMatchObject([{ id: 'msg_a', attempts: 1 }]);
    });

    it('ignores a reschedule of an unknown or finished delivery', async () => {
      await outbox.reschedule('msg_unknown', 1, t0);
      await outbox.enqueue(delivery('msg_a'));
      await outbox.done('msg_a');
      await outbox.reschedule('msg_a', 1, t0);
      expect(await outbox.nextDueAt()).toBeUndefined();
      expect(await outbox.claimDue(t0, 10, 1000)).toEqual([]);
    });

    it('forgets a done delivery, claimed or not, and leaves the others', async () => {
      await outbox.enqueue(delivery('msg_a'));
      await outbox.enqueue(delivery('msg_b', t0 + 5));
      await outbox.claimDue(t0, 1, 1000);
      await outbox.done('msg_a');
      await outbox.done('msg_b');
      await outbox.done('msg_b');
      expect(await outbox.nextDueAt()).toBeUndefined();
    });

    it('cancels the deliveries of a forgotten conversation, claimed or not, and nothing else', async () => {
      const forgotten = 'digest-of-conv-1';
      await outbox.enqueue(delivery('msg_a', t0, { conversationDigest: forgotten }));
      await outbox.enqueue(delivery('msg_b', t0 + 10, { conversationDigest: forgotten }));
      await outbox.enqueue(delivery('msg_other', t0 + 20, { conversationDigest: 'digest-of-conv-2' }));
      await outbox.enqueue(delivery('msg_plain', t0 + 30));
      expect((await outbox.claimDue(t0, 1, 60_000)).map((d) => d.id)).toEqual(['msg_a']);
      expect(await outbox.cancelConversation(forgotten)).toBe(2);
      // The claimed one's attempt failing later brings nothing back.
      await outbox.reschedule('msg_a', 1, t0 + 40);
      expect((await outbox.claimDue(t0 + 100_000, 10, 1000)).map((d) => d.id)).toEqual(['msg_other', 'msg_plain']);
      expect(await outbox.cancelConversation(forgotten)).toBe(0);
      expect(await outbox.cancelConversation('digest-of-nothing')).toBe(0);
    });

    it('cancels nothing already done, and a delivery done after its conversation\'s cancel stays done', async () => {
      await outbox.enqueue(delivery('msg_a', t0, { conversationDigest: 'c' }));
      await outbox.done('msg_a');
      expect(await outbox.cancelConversation('c')).toBe(0);
      await outbox.enqueue(delivery('msg_b', t0, { conversationDigest: 'c' }));
      expect(await outbox.cancelConversation('c')).toBe(1);
      await outbox.done('msg_b');
      expect(await outbox.nextDueAt()).toBeUndefined();
    });

    it('is not changed through what it returned', async () => {
      const queued = delivery('msg_a');
      await outbox.enqueue(queued);
      queued.body = 'changed';
      const [claimed] = await outbox.claimDue(t0, 10, 1000);
      claimed!.attempts = 99;
      await outbox.reschedule('msg_a', 0, t0);
      expect(await outbox.claimDue(t0, 10, 1000)).toMatchObject([{ body: delivery('msg_a').body, attempts: 0 }]);
    });
  });
}
