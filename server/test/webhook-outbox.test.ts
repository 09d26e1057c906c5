import { describe, expect, it } from 'vitest';
import { MemoryWebhookOutbox } from '../src/webhook/memory-outbox.ts';
import { describeWebhookOutbox } from '../../testkit/webhook-outbox-contract.ts';

describeWebhookOutbox('MemoryWebhookOutbox', () => new MemoryWebhookOutbox());

describe('MemoryWebhookOutbox', () => {
  it('keeps no more than its bound, and takes more once some are done', async () => {
    const outbox = new MemoryWebhookOutbox(2);
    const delivery = (id: string) => ({ id, type: 'identity.failed', body: '{}', attempts: 0, dueAt: 0 });
    expect(await outbox.enqueue(delivery('msg_1'))).toBe(true);
    expect(await outbox.enqueue(delivery('msg_2'))).toBe(true);
    expect(await outbox.enqueue(delivery('msg_3'))).toBe(false);
    expect((await outbox.claimDue(0, 10, 1000)).map((d) => d.id)).toEqual(['msg_1', 'msg_2']);
    await outbox.done('msg_1');
    expect(await outbox.enqueue(delivery('msg_3'))).toBe(true);
  });
});
