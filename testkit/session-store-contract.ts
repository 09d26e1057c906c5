/**
 * What every SessionStore must do, as one suite: the in-memory store runs it
 * now, and a Redis store will run the same tests before it is trusted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digest, randomSecret } from '../server/src/crypto/secrets.ts';
import type { IdentityRecord, RequestRecord, SessionChange, SessionRecord, SessionStore } from '../server/src/store/session-store.ts';

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
        identityId: randomSecret(),
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

    it('tells subscribers when a session is deleted on request, once, and nothing for an unknown one', async () => {
      const { session } = await create();
      const changes: SessionChange[] = [];
      store.subscribe(session.id, (change) => changes.push(change));
      const unknown: SessionChange[] = [];
      store.subscribe(randomSecret(), (change) => unknown.push(change));
      await store.delete(session.id);
      await store.delete(session.id);
      await store.delete(randomSecret());
      await sleep(20);
      expect(changes).toEqual([{ type: 'deleted' }]);
      expect(unknown).toEqual([]);
    });

    it('tells a subscriber of a session that does not exist nothing, even after a while', async () => {
      const changes: SessionChange[] = [];
      store.subscribe(randomSecret(), (change) => changes.push(change));
      await sleep(60);
      expect(changes).toEqual([]);
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

    it('with retention, keeps the session past its first expiry, found by attr id, status and session_url kept, until the retention ends', async () => {
      const { session, attrId } = await create({ expiresAt: Date.now() + 1000 });
      await store.attachResult(session.id, { ...result, sessionUrl: 'http://plugin/session/2' });
      await store.markDelivered(session.id, 30, 2500);
      await sleep(1300);
      const kept = await store.getByAttrId(attrId);
      expect(kept?.id).toBe(session.id);
      expect(kept?.result).toEqual({ status: 'succes', attributes: {}, sessionUrl: 'http://plugin/session/2' });
      expect(kept?.attributesPurged).toBe(true);
      expect(await store.attachResult(session.id, result)).toBe('already_has_result');
      await sleep(1500);
      expect(await store.get(session.id)).toBeUndefined();
      expect(await store.getByAttrId(attrId)).toBeUndefined();
    });

    it('marks a result delivered once: a second mark changes nothing', async () => {
      const { session } = await create();
      await store.attachResult(session.id, result);
      await store.markDelivered(session.id, 60_000, 120_000);
      const first = await store.get(session.id);
      await sleep(5);
      await store.markDelivered(session.id, 10);
      const second = await store.get(session.id);
      expect(second?.deliveredAt).toBe(first?.deliveredAt);
      expect(second?.expiresAt).toBe(first?.expiresAt);
      expect(second?.result?.attributes).toEqual(result.attributes);
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

    it('binds the session to a conversation when the reference is spent with one', async () => {
      const { session, reference } = await create();
      const spent = await store.spendReference(reference, digest('token'), 'conversation-7');
      expect(spent?.conversation).toBe('conversation-7');
      expect(spent?.referenceDigest).toBeUndefined();
      expect((await store.get(session.id))?.conversation).toBe('conversation-7');
      expect(await store.spendReference(reference, digest('token'), 'conversation-8')).toBeUndefined();
      expect(await store.spendReference(randomSecret(), digest('token'))).toBeUndefined();
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

    it('counts live sessions', async () => {
      expect(await store.countSessions()).toBe(0);
      const { session } = await create();
      await create();
      expect(await store.countSessions()).toBe(2);
      await store.delete(session.id);
      expect(await store.countSessions()).toBe(1);
    });

    it('counts hits per key in a fixed window, even when they race', async () => {
      const key = `test:${randomSecret()}`;
      const states = await Promise.all(Array.from({ length: 5 }, () => store.hit(key, 100)));
      expect(states.map((state) => state.count).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(states[0]!.resetAt).toBeGreaterThan(Date.now());
      expect((await store.hit(`test:${randomSecret()}`, 100)).count).toBe(1);
      expect((await store.hit(key, 100, -1)).count).toBe(4);
      await sleep(130);
      expect((await store.hit(key, 100)).count).toBe(1);
    });

    it('takes a hit back without going below zero', async () => {
      const key = `test:${randomSecret()}`;
      expect((await store.hit(key, 60_000, -1)).count).toBe(0);
      expect((await store.hit(key, 60_000)).count).toBe(1);
    });

    it('takes a result token whose time is already up as no replay', async () => {
      const token = digest(randomSecret());
      expect(await store.claimToken(token, Date.now() - 1)).toBe(true);
      expect(await store.claimToken(token, Date.now() - 1)).toBe(true);
    });

    it('caps open streams, and gives a slot back when a stream closes', async () => {
      const { session } = await create();
      const [first, second] = [randomSecret(), randomSecret()];
      expect(await store.openStream(first, 1, session.id)).toBe(true);
      expect(await store.openStream(second, 1, session.id)).toBe(false);
      await store.closeStream(first);
      expect(await store.openStream(second, 1, session.id)).toBe(true);
    });

    it('caps a group of streams within the overall cap: both slots or neither, both given back on close', async () => {
      const group = { name: `agent:${randomSecret()}`, max: 2 };
      const other = { name: `agent:${randomSecret()}`, max: 2 };
      const [a, b, c, d, e, f, g] = [randomSecret(), randomSecret(), randomSecret(), randomSecret(), randomSecret(), randomSecret(), randomSecret()];
      expect(await store.openGroupStream(a, 10, group)).toBe('opened');
      expect(await store.openGroupStream(b, 10, group)).toBe('opened');
      expect(await store.openGroupStream(c, 10, group)).toBe('group_full');
      // Another group, and streams of no group, are not held back by a full one.
      expect(await store.openGroupStream(d, 10, other)).toBe('opened');
      expect(await store.openStream(e, 10)).toBe(true);
      // Grouped streams count in the overall cap (4 open), and a refusal takes no group slot.
      expect(await store.openGroupStream(f, 4, other)).toBe('full');
      expect(await store.openStream(f, 4)).toBe(false);
      expect(await store.openGroupStream(g, 10, other)).toBe('opened');
      expect(await store.openGroupStream(f, 10, other)).toBe('group_full');
      // Closing gives back the overall slot and the group's.
      await store.closeStream(a);
      expect(await store.openGroupStream(c, 10, group)).toBe('opened');
      await store.closeStream(d);
      await store.closeStream(g);
      expect(await store.openGroupStream(f, 5, other)).toBe('opened');
      expect(await store.openStream(randomSecret(), 4)).toBe(false); // b, c, e and f
    });

    it('tells the streams of a session when a newer one opens', async () => {
      const { session } = await create();
      const changes: SessionChange[] = [];
      store.subscribe(session.id, (change) => changes.push(change));
      const streamId = randomSecret();
      expect(await store.openStream(streamId, 10, session.id)).toBe(true);
      await sleep(20);
      expect(changes).toEqual([{ type: 'stream', streamId }]);
    });

    describe('identities of a conversation', () => {
      const identity = (overrides: Partial<IdentityRecord> = {}): IdentityRecord => ({
        id: randomSecret(),
        conversation: `conversation-${randomSecret()}`,
        sessionId: randomSecret(),
        purpose: 'report_move',
        authMethod: 'irma',
        status: 'waiting',
        updatedAt: Date.now(),
        until: Date.now() + 60_000,
        ...overrides,
      });

      it('lists them oldest first, a change keeping its place, and nothing of other conversations', async () => {
        const first = identity();
        const second = identity({ conversation: first.conversation });
        await store.putIdentity(first, 60_000);
        await store.putIdentity(second, 60_000);
        await store.putIdentity(identity(), 60_000);
        const verified = { ...first, status: 'verified' as const, attributes: { bsn: '999993653' } };
        await store.putIdentity(verified, 60_000);
        expect(await store.listIdentities(first.conversation)).toEqual([verified, second]);
        expect(await store.listIdentities('no-such-conversation')).toEqual([]);
      });

      it('tells the conversation\'s subscribers of each change, and only them', async () => {
        const record = identity();
        const seen: IdentityRecord[] = [];
        const others: IdentityRecord[] = [];
        const off = store.subscribeConversation(record.conversation, (change) => seen.push(change));
        store.subscribeConversation('another', (change) => others.push(change));
        await store.putIdentity(record, 60_000);
        await sleep(20);
        expect(seen).toEqual([record]);
        expect(others).toEqual([]);
        off();
        await store.putIdentity({ ...record, status: 'failed' }, 60_000);
        await sleep(20);
        expect(seen).toHaveLength(1);
      });

      it('deletes verified attributes at their until, and the record after keepMs', async () => {
        const record = identity({ status: 'verified', attributes: { bsn: '999993653' }, until: Date.now() + 50 });
        await store.putIdentity(record, 150);
        expect((await store.listIdentities(record.conversation))[0]?.attributes).toEqual({ bsn: '999993653' });
        await sleep(90);
        const [kept] = await store.listIdentities(record.conversation);
        expect(kept?.status).toBe('verified');
        expect(kept?.attributes).toBeUndefined();
        await sleep(100);
        expect(await store.listIdentities(record.conversation)).toEqual([]);
      });

      it('forgets a conversation: every identity forgotten, no attributes left, subscribers told', async () => {
        const record = identity({ status: 'verified', attributes: { bsn: '999993653' } });
        const other = identity({ conversation: record.conversation });
        await store.putIdentity(record, 60_000);
        await store.putIdentity(other, 60_000);
        const seen: IdentityRecord[] = [];
        store.subscribeConversation(record.conversation, (change) => seen.push(change));
        const forgotten = await store.forgetConversation(record.conversation, 60_000);
        expect(forgotten.map(({ record: entry, changed }) => [entry.id, entry.status, changed])).toEqual([
          [record.id, 'forgotten', true],
          [other.id, 'forgotten', true],
        ]);
        const listed = await store.listIdentities(record.conversation);
        expect(listed.map((entry) => [entry.id, entry.status, entry.attributes])).toEqual([
          [record.id, 'forgotten', undefined],
          [other.id, 'forgotten', undefined],
        ]);
        await sleep(20);
        expect(seen.map((entry) => entry.id)).toEqual([record.id, other.id]);
        expect(JSON.stringify(seen)).not.toContain('999993653');
      });

      it('keeps a forgotten identity forgotten: a later change is refused, told to nobody, and forgetting again changes nothing', async () => {
        const record = identity();
        expect(await store.putIdentity(record, 60_000)).toBe(true);
        await store.forgetConversation(record.conversation, 60_000);
        const seen: IdentityRecord[] = [];
        store.subscribeConversation(record.conversation, (change) => seen.push(change));
        // The login that was waiting comes back verified, then the resident logs out.
        const late = { ...record, status: 'verified' as const, attributes: { bsn: '999993653' }, updatedAt: Date.now() + 1 };
        expect(await store.putIdentity(late, 60_000)).toBe(false);
        expect(await store.putIdentity({ ...record, status: 'logged_out', updatedAt: Date.now() + 2 }, 60_000)).toBe(false);
        const [listed] = await store.listIdentities(record.conversation);
        expect(listed).toMatchObject({ id: record.id, status: 'forgotten' });
        expect(listed).not.toHaveProperty('attributes');
        const again = await store.forgetConversation(record.conversation, 60_000);
        expect(again.map(({ record: entry, changed }) => [entry.id, entry.status, changed])).toEqual([[record.id, 'forgotten', false]]);
        await sleep(20);
        expect(seen).toEqual([]);
      });

      it('keeps a forgotten login at least until its session could still bring a result, even past keepMs', async () => {
        const record = identity({ until: Date.now() + 300 });
        await store.putIdentity(record, 60_000);
        await store.forgetConversation(record.conversation, 50);
        await sleep(120);
        expect(await store.putIdentity({ ...record, status: 'verified', attributes: { bsn: '999993653' } }, 60_000)).toBe(false);
        expect((await store.listIdentities(record.conversation)).map((entry) => entry.status)).toEqual(['forgotten']);
        // Past it, the record goes as any other.
        await sleep(250);
        expect(await store.listIdentities(record.conversation)).toEqual([]);
      });
    });

    describe('requests to verify of a conversation', () => {
      const request = (overrides: Partial<RequestRecord> = {}): RequestRecord => {
        const now = Date.now();
        return {
          id: randomSecret(),
          conversation: `conversation-${randomSecret()}`,
          purpose: 'report_move',
          purposeName: 'Verhuizing doorgeven',
          status: 'pending',
          createdAt: now,
          expiresAt: now + 60_000,
          updatedAt: now,
          ...overrides,
        };
      };

      it('opens one, reads it back, and shows nothing of it in another conversation', async () => {
        const record = request();
        expect(await store.getRequest(record.conversation)).toBeUndefined();
        expect(await store.openRequest(record, 60_000)).toBe('opened');
        expect(await store.getRequest(record.conversation)).toEqual(record);
        expect(await store.getRequest('another')).toBeUndefined();
      });

      it('opens one of two opened at once; the other is told `exists` and changes nothing', async () => {
        const first = request();
        const second = request({ conversation: first.conversation });
        const outcomes = await Promise.all([store.openRequest(first, 60_000), store.openRequest(second, 60_000)]);
        expect([...outcomes].sort()).toEqual(['exists', 'opened']);
        const winner = outcomes[0] === 'opened' ? first : second;
        expect(await store.getRequest(first.conversation)).toEqual(winner);
        // Another conversation is not held back by it.
        expect(await store.openRequest(request(), 60_000)).toBe('opened');
      });

      it('replaces a pending request that has lapsed, or one that is settled', async () => {
        const now = Date.now();
        const lapsed = request({ createdAt: now - 2000, updatedAt: now - 2000, expiresAt: now - 1000 });
        await store.openRequest(lapsed, 60_000);
        const next = request({ conversation: lapsed.conversation });
        expect(await store.openRequest(next, 60_000)).toBe('opened');
        expect((await store.getRequest(lapsed.conversation))?.id).toBe(next.id);
        expect(await store.settleRequest(next.conversation, next.id, { status: 'declined' }, Date.now())).toBeDefined();
        const third = request({ conversation: lapsed.conversation });
        expect(await store.openRequest(third, 60_000)).toBe('opened');
        expect(await store.getRequest(lapsed.conversation)).toEqual(third);
      });

      it('settles only the pending request of that id, once, and only before it lapses', async () => {
        const record = request();
        await store.openRequest(record, 60_000);
        const at = Date.now();
        expect(await store.settleRequest(record.conversation, randomSecret(), { status: 'declined' }, at)).toBeUndefined();
        expect(await store.settleRequest('another', record.id, { status: 'declined' }, at)).toBeUndefined();
        expect(await store.settleRequest(record.conversation, record.id, { status: 'declined' }, record.expiresAt)).toBeUndefined();
        expect(await store.getRequest(record.conversation)).toEqual(record);

        const settled = await store.settleRequest(record.conversation, record.id, { status: 'started', identityId: 'identity-1' }, at);
        expect(settled).toEqual({ ...record, status: 'started', identityId: 'identity-1', updatedAt: at });
        expect(await store.getRequest(record.conversation)).toEqual(settled);
        expect(await store.settleRequest(record.conversation, record.id, { status: 'declined' }, at)).toBeUndefined();
        expect((await store.getRequest(record.conversation))?.status).toBe('started');
      });

      it('settles a request once when two settle it at once', async () => {
        const record = request();
        await store.openRequest(record, 60_000);
        const at = Date.now();
        const outcomes = await Promise.all([
          store.settleRequest(record.conversation, record.id, { status: 'declined' }, at),
          store.settleRequest(record.conversation, record.id, { status: 'started', identityId: 'identity-1' }, at),
        ]);
        const winners = outcomes.filter((outcome) => outcome !== undefined);
        expect(winners).toHaveLength(1);
        expect(await store.getRequest(record.conversation)).toEqual(winners[0]);
      });

      it('tells the conversation\'s subscribers of each opening and settling, and only them', async () => {
        const record = request();
        const seen: RequestRecord[] = [];
        const others: RequestRecord[] = [];
        const off = store.subscribeRequests(record.conversation, (change) => seen.push(change));
        store.subscribeRequests('another', (change) => others.push(change));
        await store.openRequest(record, 60_000);
        const at = Date.now();
        await store.settleRequest(record.conversation, record.id, { status: 'declined' }, at);
        // Refused changes tell nobody.
        await store.openRequest(request({ conversation: 'another-still' }), 60_000);
        await store.settleRequest(record.conversation, record.id, { status: 'declined' }, at);
        await sleep(20);
        expect(seen).toEqual([record, { ...record, status: 'declined', updatedAt: at }]);
        expect(others).toEqual([]);
        off();
        await store.openRequest(request({ conversation: record.conversation }), 60_000);
        await sleep(20);
        expect(seen).toHaveLength(2);
      });

      it('keeps a request keepMs after it was opened, settled or not', async () => {
        const record = request();
        await store.openRequest(record, 100);
        await store.settleRequest(record.conversation, record.id, { status: 'declined' }, Date.now());
        expect((await store.getRequest(record.conversation))?.status).toBe('declined');
        await sleep(150);
        expect(await store.getRequest(record.conversation)).toBeUndefined();
      });
    });
  });
}
