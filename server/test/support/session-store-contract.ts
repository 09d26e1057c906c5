/**
 * What every SessionStore must do, as one suite: the in-memory store runs it
 * now, and a Redis store will run the same tests before it is trusted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digest, randomSecret } from '../../src/secrets.ts';
import type { SessionChange, SessionRecord, SessionStore } from '../../src/store/session-store.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeSessionStore(name: string, makeStore: () => SessionStore) {
  describe(`${name} (SessionStore contract)`, () => {
    let store: SessionStore;
    beforeEach(() => {
      store = makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    async function create(overrides: Partial<SessionRecord> = {}) {
      const attrId = randomSecret();
      const reference = randomSecret();
      const session: SessionRecord = {
        id: randomSecret(),
        purpose: 'report_move',
        streamTokenDigest: digest(randomSecret()),
        attrIdDigest: digest(attrId),
        referenceDigest: digest(reference),
        createdAt: Date.now(),
        expiresAt: Date.now() + 60_000,
        ...overrides,
      };
      await store.create(session);
      return { session, attrId, reference };
    }

    const result = { status: 'succes' as const, attributes: { bsn: '999993653' } };

    it('finds a session by id, attr id and reference, and nothing by a wrong one', async () => {
      const { session, attrId, reference } = await create();
      expect((await store.get(session.id))?.purpose).toBe('report_move');
      expect((await store.getByAttrId(attrId))?.id).toBe(session.id);
      expect((await store.getByReference(reference))?.id).toBe(session.id);
      expect(await store.get(randomSecret())).toBeUndefined();
      expect(await store.getByAttrId(randomSecret())).toBeUndefined();
      expect(await store.getByReference(randomSecret())).toBeUndefined();
    });

    it('hands out copies: changing one changes nothing in the store', async () => {
      const { session } = await create();
      const copy = (await store.get(session.id))!;
      copy.result = result;
      copy.expiresAt = 0;
      expect((await store.get(session.id))?.result).toBeUndefined();
    });

    it('attaches a result once, even when two arrive together, and wakes subscribers', async () => {
      const { session } = await create();
      const changes: SessionChange[] = [];
      const off = store.subscribe(session.id, (change) => changes.push(change));
      const outcomes = await Promise.all([
        store.attachResult(session.id, result),
        store.attachResult(session.id, { status: 'failed', attributes: {} }),
      ]);
      expect(outcomes.sort()).toEqual(['already_has_result', 'attached']);
      expect(changes).toEqual([{ type: 'result' }]);
      off();
      expect(await store.attachResult(randomSecret(), result)).toBe('not_found');
    });

    it('stops calling a listener once unsubscribed', async () => {
      const { session } = await create();
      const changes: SessionChange[] = [];
      store.subscribe(session.id, (change) => changes.push(change))();
      await store.attachResult(session.id, result);
      expect(changes).toEqual([]);
    });

    it('deletes a session at its expiry, telling subscribers', async () => {
      const { session, attrId } = await create({ expiresAt: Date.now() + 50 });
      const changes: SessionChange[] = [];
      store.subscribe(session.id, (change) => changes.push(change));
      await sleep(80);
      expect(changes).toEqual([{ type: 'deleted' }]);
      expect(await store.get(session.id)).toBeUndefined();
      expect(await store.getByAttrId(attrId)).toBeUndefined();
    });

    it('deletes on request', async () => {
      const { session, reference } = await create();
      await store.delete(session.id);
      expect(await store.get(session.id)).toBeUndefined();
      expect(await store.getByReference(reference)).toBeUndefined();
    });

    it('keeps a delivered result for the grace period only', async () => {
      const { session } = await create();
      await store.attachResult(session.id, result);
      await store.markDelivered(session.id, 50);
      expect((await store.get(session.id))?.deliveredAt).toBeTypeOf('number');
      await sleep(80);
      expect(await store.get(session.id)).toBeUndefined();
    });

    it('with retention, deletes the attributes after the grace period and keeps the session', async () => {
      const { session } = await create();
      await store.attachResult(session.id, { ...result, sessionUrl: 'http://plugin/session/1' });
      await store.markDelivered(session.id, 50, 60_000);
      await sleep(80);
      const kept = await store.get(session.id);
      expect(kept?.result).toEqual({ status: 'succes', attributes: {}, sessionUrl: 'http://plugin/session/1' });
      expect(kept?.attributesPurged).toBe(true);
    });

    it('deletes attributes at once on request', async () => {
      const { session } = await create();
      await store.attachResult(session.id, result);
      await store.purgeAttributes(session.id);
      expect((await store.get(session.id))?.result?.attributes).toEqual({});
    });

    it('spends a reference once, even when two exchanges race, and sets the stream token', async () => {
      const { session, reference } = await create();
      const token = digest('new-token');
      const [first, second] = await Promise.all([store.spendReference(reference, token), store.spendReference(reference, token)]);
      expect([first?.id, second?.id].filter(Boolean)).toEqual([session.id]);
      expect((await store.get(session.id))?.streamTokenDigest).toBe(token);
      expect(await store.getByReference(reference)).toBeUndefined();
    });

    it('recognises a result token seen before as a replay, until its time is up', async () => {
      const token = digest(randomSecret());
      expect(await store.claimToken(token, Date.now() + 60_000)).toBe(true);
      expect(await store.claimToken(token, Date.now() + 60_000)).toBe(false);
      const shortLived = digest(randomSecret());
      expect(await store.claimToken(shortLived, Date.now() + 30)).toBe(true);
      await sleep(50);
      expect(await store.claimToken(shortLived, Date.now() + 30)).toBe(true);
    });

    it('lets activity through at most once per interval', async () => {
      const { session } = await create();
      expect(await store.claimActivity(session.id, 50)).toBe(true);
      expect(await store.claimActivity(session.id, 50)).toBe(false);
      await sleep(70);
      expect(await store.claimActivity(session.id, 50)).toBe(true);
      expect(await store.claimActivity(randomSecret(), 50)).toBe(false);
    });
  });
}
