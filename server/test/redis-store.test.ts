/**
 * The Redis store against a real redis-server (started per file on an
 * ephemeral loopback port): the SessionStore and WebhookOutbox contracts, then
 * what only a shared store has to show: two instances racing on one Redis,
 * wake-ups across instances over one subscriber connection each, a TTL on
 * every key, nothing of a person readable in Redis, and Redis going away and
 * coming back.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { digest, randomSecret } from '../src/crypto/secrets.ts';
import { RedisSessionStore, type RedisSessionStoreOptions } from '../src/store/redis/redis-store.ts';
import type { IdentityRecord, RequestRecord, SessionChange, SessionRecord } from '../src/store/session-store.ts';
import { StoreDataError, StoreUnavailableError } from '../src/store/store-errors.ts';
import { RedisWebhookOutbox } from '../src/store/redis/outbox.ts';
import { startRedisServer, type RedisServer } from '../../testkit/redis-server.ts';
import { describeSessionStore } from '../../testkit/session-store-contract.ts';
import { describeWebhookOutbox } from '../../testkit/webhook-outbox-contract.ts';

let server: RedisServer;
/** A plain client to look at what the stores left in Redis. */
let inspector: ReturnType<typeof createClient>;
const storeKey = randomBytes(32);
const opened: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  server = await startRedisServer();
  inspector = createClient({ url: server.url });
  await inspector.connect();
});
afterAll(async () => {
  await Promise.all(opened.map((thing) => thing.close()));
  await inspector?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const freshPrefix = () => `t-${randomSecret().slice(0, 10)}:`;

function makeStore(options: Partial<RedisSessionStoreOptions> = {}): RedisSessionStore {
  const store = new RedisSessionStore({ url: server.url, key: storeKey, prefix: freshPrefix(), ...options });
  opened.push(store);
  return store;
}

function makeOutbox(prefix = freshPrefix()): RedisWebhookOutbox {
  const outbox = new RedisWebhookOutbox({ url: server.url, key: storeKey, prefix });
  opened.push(outbox);
  return outbox;
}

/** Two store instances on one Redis and one prefix, as two backend processes would be. */
function twoInstances(options: Partial<RedisSessionStoreOptions> = {}): [RedisSessionStore, RedisSessionStore] {
  const prefix = freshPrefix();
  return [makeStore({ prefix, ...options }), makeStore({ prefix, ...options })];
}

function sessionRecord(overrides: Partial<SessionRecord> = {}) {
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
  return { session, attrId, reference };
}

function identity(overrides: Partial<IdentityRecord> = {}): IdentityRecord {
  return {
    id: randomSecret(),
    conversation: `conversation-${randomSecret()}`,
    sessionId: randomSecret(),
    purpose: 'report_move',
    authMethod: 'irma',
    status: 'waiting',
    updatedAt: Date.now(),
    until: Date.now() + 60_000,
    ...overrides,
  };
}

function verificationRequest(overrides: Partial<RequestRecord> = {}): RequestRecord {
  const now = Date.now();
  return {
    id: randomSecret(),
    conversation: `conversation-${randomSecret()}`,
    purpose: 'report_move',
    status: 'pending',
    createdAt: now,
    expiresAt: now + 60_000,
    updatedAt: now,
    ...overrides,
  };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of inspector.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
  return keys;
}

/** Every value Redis holds under `prefix`, as text, whatever the key's type. */
async function valuesUnder(prefix: string): Promise<string> {
  const out: string[] = [];
  for (const key of await keysUnder(prefix)) {
    const type = await inspector.type(key);
    if (type === 'string') out.push(key, String(await inspector.get(key)));
    else if (type === 'hash') out.push(key, JSON.stringify(await inspector.hGetAll(key)));
    else if (type === 'zset') out.push(key, JSON.stringify(await inspector.zRangeWithScores(key, 0, -1)));
    else if (type === 'set') out.push(key, JSON.stringify(await inspector.sMembers(key)));
    else out.push(key, `unexpected type ${type}`);
  }
  return out.join('\n');
}

describeSessionStore('RedisSessionStore', () => makeStore());
describeWebhookOutbox('RedisWebhookOutbox', () => makeOutbox());

describe('RedisSessionStore: two instances racing on one Redis', () => {
  const rounds = 25;
  const result = { status: 'succes' as const, attributes: { bsn: '999993653' } };

  it('attaches a result once', async () => {
    const [a, b] = twoInstances();
    for (let i = 0; i < rounds; i++) {
      const { session } = sessionRecord();
      await a.create(session);
      const outcomes = await Promise.all([a.attachResult(session.id, result), b.attachResult(session.id, { status: 'failed', attributes: {} })]);
      expect(outcomes.sort()).toEqual(['already_has_result', 'attached']);
    }
  });

  it('spends a reference once', async () => {
    const [a, b] = twoInstances();
    for (let i = 0; i < rounds; i++) {
      const { session, reference } = sessionRecord();
      await b.create(session);
      const spent = await Promise.all([a.spendReference(reference, digest('a')), b.spendReference(reference, digest('b'))]);
      const winners = spent.filter((record) => record !== undefined);
      expect(winners.map((record) => record.id)).toEqual([session.id]);
      expect((await a.get(session.id))?.streamTokenDigest).toBe(winners[0]!.streamTokenDigest);
    }
  });

  it('spends a reference once when it binds a conversation, the winner’s conversation kept', async () => {
    const [a, b] = twoInstances();
    for (let i = 0; i < rounds; i++) {
      const { session, reference } = sessionRecord();
      await b.create(session);
      const spent = await Promise.all([a.spendReference(reference, digest('a'), 'conversation-a'), b.spendReference(reference, digest('b'), 'conversation-b')]);
      const winners = spent.filter((record) => record !== undefined);
      expect(winners.map((record) => record.id)).toEqual([session.id]);
      const held = await a.get(session.id);
      expect(held?.streamTokenDigest).toBe(winners[0]!.streamTokenDigest);
      expect(held?.conversation).toBe(winners[0]!.conversation);
      expect(held?.conversation).toBe(winners[0]!.streamTokenDigest === digest('a') ? 'conversation-a' : 'conversation-b');
    }
  });

  it('claims a result token once', async () => {
    const [a, b] = twoInstances();
    for (let i = 0; i < rounds; i++) {
      const token = randomSecret();
      const claims = await Promise.all([a.claimToken(token, Date.now() + 60_000), b.claimToken(token, Date.now() + 60_000)]);
      expect(claims.sort()).toEqual([false, true]);
    }
  });

  it('lets one activity through per interval', async () => {
    const [a, b] = twoInstances();
    for (let i = 0; i < rounds; i++) {
      const { session } = sessionRecord();
      await a.create(session);
      const claims = await Promise.all([a.claimActivity(session.id, 60_000), b.claimActivity(session.id, 60_000)]);
      expect(claims.sort()).toEqual([false, true]);
    }
  });

  it('gives the last stream slot to one of them, and never more slots than the cap', async () => {
    const [a, b] = twoInstances();
    for (let i = 0; i < rounds; i++) {
      const [x, y] = [randomSecret(), randomSecret()];
      const opened = await Promise.all([a.openStream(x, 1), b.openStream(y, 1)]);
      expect(opened.sort()).toEqual([false, true]);
      await Promise.all([a.closeStream(x), b.closeStream(y)]);
    }
    const ids = Array.from({ length: 40 }, () => randomSecret());
    const opened = await Promise.all(ids.map((id, i) => (i % 2 ? a : b).openStream(id, 7)));
    expect(opened.filter(Boolean)).toHaveLength(7);
  });

  it('counts every hit once', async () => {
    const [a, b] = twoInstances();
    const key = `rate:${randomSecret()}`;
    const states = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).hit(key, 60_000)));
    expect(states.map((state) => state.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('opens one request per conversation, and settles it once', async () => {
    const [a, b] = twoInstances();
    for (let i = 0; i < rounds; i++) {
      const first = verificationRequest();
      const second = verificationRequest({ conversation: first.conversation });
      const opened = await Promise.all([a.openRequest(first, 60_000), b.openRequest(second, 60_000)]);
      expect([...opened].sort()).toEqual(['exists', 'opened']);
      const winner = opened[0] === 'opened' ? first : second;
      const at = Date.now();
      const settled = await Promise.all([
        a.settleRequest(first.conversation, winner.id, { status: 'declined' }, at),
        b.settleRequest(first.conversation, winner.id, { status: 'started', identityId: 'identity-1' }, at),
      ]);
      expect(settled.filter((record) => record !== undefined)).toHaveLength(1);
    }
  });

  it('claims each webhook delivery for one of them only', async () => {
    const prefix = freshPrefix();
    const [a, b] = [makeOutbox(prefix), makeOutbox(prefix)];
    const ids = Array.from({ length: 30 }, (_, i) => `msg_${i}`);
    for (const id of ids) await a.enqueue({ id, type: 'identity.verified', body: '{}', attempts: 0, dueAt: 1000 });
    const claims = await Promise.all([a.claimDue(2000, 20, 60_000), b.claimDue(2000, 20, 60_000), a.claimDue(2000, 20, 60_000)]);
    const claimed = claims.flat().map((delivery) => delivery.id);
    expect(claimed.sort()).toEqual([...ids].sort());
  });
});

describe('RedisSessionStore: wake-ups across instances', () => {
  it('tells a listener on one instance of a result, a newer stream, and a deletion made on another', async () => {
    const [a, b] = twoInstances();
    const { session } = sessionRecord();
    await a.create(session);
    const changes: SessionChange[] = [];
    b.subscribe(session.id, (change) => changes.push(change));
    // Any call after subscribe() runs once the subscription is in place.
    await b.countSessions();
    await a.attachResult(session.id, { status: 'succes', attributes: { bsn: '999993653' } });
    await vi.waitFor(() => expect(changes).toEqual([{ type: 'result' }]), { timeout: 2000 });
    const streamId = randomSecret();
    await a.openStream(streamId, 10, session.id);
    await vi.waitFor(() => expect(changes).toContainEqual({ type: 'stream', streamId }), { timeout: 2000 });
    await a.delete(session.id);
    await vi.waitFor(() => expect(changes.at(-1)).toEqual({ type: 'deleted' }), { timeout: 2000 });
    await sleep(50);
    expect(changes.filter((change) => change.type === 'deleted')).toHaveLength(1);
  });

  it('tells a listener of the expiry another instance moved (delivered, grace period)', async () => {
    const [a, b] = twoInstances();
    const { session } = sessionRecord();
    await a.create(session);
    await a.attachResult(session.id, { status: 'succes', attributes: { bsn: '999993653' } });
    const changes: SessionChange[] = [];
    b.subscribe(session.id, (change) => changes.push(change));
    await b.countSessions();
    await a.markDelivered(session.id, 80);
    await vi.waitFor(() => expect(changes).toEqual([{ type: 'deleted' }]), { timeout: 2000 });
    expect(await b.get(session.id)).toBeUndefined();
  });

  it('tells a conversation\'s listeners on another instance of each change, attributes included', async () => {
    const [a, b] = twoInstances();
    const record = identity({ status: 'verified', attributes: { bsn: '999993653' } });
    const seen: IdentityRecord[] = [];
    b.subscribeConversation(record.conversation, (change) => seen.push(change));
    await b.countSessions();
    await a.putIdentity(record, 60_000);
    await vi.waitFor(() => expect(seen).toEqual([record]), { timeout: 2000 });
    await a.forgetConversation(record.conversation, 60_000);
    await vi.waitFor(() => expect(seen.map((entry) => entry.status)).toEqual(['verified', 'forgotten']), { timeout: 2000 });
    expect(seen[1]?.attributes).toBeUndefined();
  });

  it('tells a conversation\'s request listeners on another instance of each opening and settling', async () => {
    const [a, b] = twoInstances();
    const record = verificationRequest({ purposeName: 'Verhuizing doorgeven' });
    const seen: RequestRecord[] = [];
    const others: RequestRecord[] = [];
    b.subscribeRequests(record.conversation, (change) => seen.push(change));
    b.subscribeRequests('another', (change) => others.push(change));
    await b.countSessions();
    await a.openRequest(record, 60_000);
    await vi.waitFor(() => expect(seen).toEqual([record]), { timeout: 2000 });
    const at = Date.now();
    await a.settleRequest(record.conversation, record.id, { status: 'started', identityId: 'identity-1' }, at);
    await vi.waitFor(() => expect(seen).toEqual([record, { ...record, status: 'started', identityId: 'identity-1', updatedAt: at }]), { timeout: 2000 });
    expect(await b.getRequest(record.conversation)).toEqual(seen[1]);
    expect(others).toEqual([]);
  });

  it('uses one subscriber connection per instance, one channel per watched session or conversation, and lets go of them', async () => {
    const clientName = `idc-test-${randomSecret().slice(0, 8)}`;
    const store = makeStore({ clientName });
    const offs: Array<() => void> = [];
    for (let i = 0; i < 20; i++) offs.push(store.subscribe(randomSecret(), () => {}));
    for (let i = 0; i < 5; i++) offs.push(store.subscribeConversation(`c-${i}`, () => {}));
    offs.push(store.subscribeConversation('c-0', () => {}));
    await store.countSessions();
    const clients = (await inspector.clientList()).filter((client) => client.name.startsWith(clientName));
    expect(clients.map((client) => client.name).sort()).toEqual([clientName, `${clientName}-sub`]);
    const subscriber = clients.find((client) => client.name === `${clientName}-sub`)!;
    expect(subscriber.sub).toBe(25);
    for (const off of offs) off();
    await vi.waitFor(
      async () => {
        const now = (await inspector.clientList()).find((client) => client.name === `${clientName}-sub`);
        expect(now?.sub).toBe(0);
      },
      { timeout: 2000 },
    );
  });
});

describe('RedisSessionStore: keys', () => {
  it('gives every key it writes a TTL, and leaves nothing behind once its time is up', async () => {
    const prefix = freshPrefix();
    const store = makeStore({ prefix });
    const outbox = store.webhookOutbox();
    const shortLived = Date.now() + 1500;
    const { session, reference } = sessionRecord({ expiresAt: shortLived });
    await store.create(session);
    await store.create(sessionRecord({ expiresAt: shortLived }).session);
    const delivered = sessionRecord({ expiresAt: shortLived });
    await store.create(delivered.session);
    await store.attachResult(delivered.session.id, { status: 'succes', attributes: { bsn: '999993653' }, sessionUrl: 'http://plugin/s/1' });
    await store.markDelivered(delivered.session.id, 1500, 1500);
    await store.spendReference(reference, digest('token'), 'conversation-1');
    await store.claimActivity(session.id, 1000);
    await store.claimToken(randomSecret(), shortLived);
    await store.hit('rate:127.0.0.1', 1500);
    await store.hit('rate:127.0.0.2', 1500, -1);
    await store.openStream(randomSecret(), 10, session.id);
    await store.putIdentity(identity({ conversation: 'conversation-1', status: 'verified', attributes: { bsn: '999993653' }, until: shortLived }), 1500);
    await store.putIdentity(identity({ conversation: 'conversation-1' }), 1500);
    await store.putIdentity(identity({ conversation: 'conversation-2', until: shortLived }), 1500);
    await store.forgetConversation('conversation-2', 1500);
    await store.openRequest(verificationRequest({ conversation: 'conversation-1', expiresAt: shortLived }), 1500);
    await outbox.enqueue({ id: 'msg_1', type: 'identity.verified', body: '{"bsn":"999993653"}', attempts: 0, dueAt: Date.now(), conversationDigest: digest('conversation-1') });

    const keys = await keysUnder(prefix);
    // Every kind of key the store and the outbox write is here.
    const kinds = new Set(keys.map((key) => key.slice(prefix.length).replace(/:.*$/, '')));
    expect([...kinds].sort()).toEqual(['a', 'c', 'e', 'i', 'ia', 'if', 'live', 'n', 'q', 'r', 's', 'sa', 'streams', 't', 'w'].sort());
    expect(keys.filter((key) => key.startsWith(`${prefix}w:`)).map((key) => key.slice(prefix.length)).sort()).toEqual([
      `w:c:${digest('conversation-1')}`,
      'w:d:msg_1',
      'w:due',
    ]);
    for (const key of keys) {
      const ttl = await inspector.pTTL(key);
      // -1 would be a key without a TTL, -2 one already gone.
      expect(ttl, key).toBeGreaterThan(0);
    }
    // Everything but the outbox (a day), the stream slots (a lease) and the sessions' ends
    // (a minute, only a time) is gone at its time.
    await sleep(1500);
    await vi.waitFor(
      async () => {
        const left = (await keysUnder(prefix)).filter(
          (key) => !key.startsWith(`${prefix}w:`) && key !== `${prefix}streams` && !key.startsWith(`${prefix}e:`),
        );
        expect(left).toEqual([]);
      },
      { timeout: 3000, interval: 100 },
    );
  });

  it('keeps no name or value of a person in key names: ids, conversations and rate-limit keys are digests', async () => {
    const prefix = freshPrefix();
    const store = makeStore({ prefix });
    const { session } = sessionRecord();
    await store.create(session);
    await store.hit('rate:203.0.113.7', 60_000);
    await store.putIdentity(identity({ conversation: 'chat-with-jan-jansen' }), 60_000);
    await store.openRequest(verificationRequest({ conversation: 'chat-with-jan-jansen' }), 60_000);
    const names = (await keysUnder(prefix)).join('\n');
    expect(names).not.toContain(session.id);
    expect(names).not.toContain('203.0.113.7');
    expect(names).not.toContain('jan-jansen');
  });
});

describe('RedisSessionStore: encryption at rest', () => {
  const secretValues = { bsn: '999993653', given_name: 'Hendrika-Zwaantina', birth_date: '1943-07-21' };

  it('leaves no attribute value readable in Redis: not in keys, values, published changes or the RDB dump', async () => {
    const prefix = freshPrefix();
    const store = makeStore({ prefix });
    const outbox = store.webhookOutbox();
    const published: string[] = [];
    const listener = inspector.duplicate();
    await listener.connect();
    await listener.pSubscribe(`${prefix}*`, (message) => published.push(message));

    const { session, reference } = sessionRecord({ returnUrl: 'https://gemeente.example/chat?topic=verhuizing' });
    await store.create(session);
    await store.spendReference(reference, digest('token'), 'chat-with-hendrika');
    await store.attachResult(session.id, { status: 'succes', attributes: secretValues, sessionUrl: 'http://plugin/session/hendrika' });
    const record = identity({ conversation: 'chat-with-hendrika', status: 'verified', attributes: secretValues });
    await store.putIdentity(record, 60_000);
    const asked = verificationRequest({ conversation: 'chat-with-hendrika' });
    await store.openRequest(asked, 60_000);
    await store.settleRequest(asked.conversation, asked.id, { status: 'started', identityId: record.id }, Date.now());
    await outbox.enqueue({
      id: 'msg_1',
      type: 'identity.verified',
      body: JSON.stringify({ data: { attributes: secretValues } }),
      attempts: 0,
      dueAt: 0,
      conversationDigest: digest('chat-with-hendrika'),
    });
    // The store itself still reads them back.
    expect((await store.get(session.id))?.result?.attributes).toEqual(secretValues);
    expect((await store.get(session.id))?.conversation).toBe('chat-with-hendrika');
    expect((await store.listIdentities(record.conversation))[0]?.attributes).toEqual(secretValues);
    expect((await store.getRequest('chat-with-hendrika'))?.status).toBe('started');
    expect((await outbox.claimDue(0, 1, 1000))[0]?.body).toContain(secretValues.given_name);
    await vi.waitFor(() => expect(published.length).toBeGreaterThanOrEqual(4));
    await listener.close();

    const everything = [await valuesUnder(prefix), ...published].join('\n');
    // The check can see what is left in the clear (a digest), so it would see an attribute too.
    expect(everything).toContain(digest('token'));
    for (const value of [...Object.values(secretValues), 'hendrika', 'verhuizing', session.id]) {
      expect(everything.toLowerCase()).not.toContain(value.toLowerCase());
    }

    await inspector.configSet('rdbcompression', 'no');
    await inspector.sendCommand(['SAVE']);
    const dump = readFileSync(join(server.dir, 'dump.rdb')).toString('latin1');
    expect(dump).toContain(digest('token'));
    for (const value of [...Object.values(secretValues), 'hendrika', 'verhuizing']) {
      expect(dump.toLowerCase()).not.toContain(value.toLowerCase());
    }
  });

  it('cannot read a record back without its key', async () => {
    const prefix = freshPrefix();
    const store = makeStore({ prefix });
    const other = makeStore({ prefix, key: randomBytes(32) });
    const { session } = sessionRecord();
    await store.create(session);
    await expect(other.get(session.id)).rejects.toBeInstanceOf(StoreDataError);
  });

  // Issue 17: someone who can write to Redis (not read the key) must not move a sealed value
  // from one record to another, e.g. the conversation of one session into another session.
  it('opens a sealed session value only in its own session: one copied into another session does not open there', async () => {
    const prefix = freshPrefix();
    const store = makeStore({ prefix });
    const binding = (url: string) => ({ launchDigest: digest(randomSecret()), clientUrl: url });
    // One conversation sealed by spendReference, the other by create: both ways of writing `conv`.
    const a = sessionRecord({ returnUrl: 'https://gemeente.example/a', binding: binding('https://idp.example/a') });
    const b = sessionRecord({ returnUrl: 'https://gemeente.example/b', binding: binding('https://idp.example/b'), conversation: 'conversation-b' });
    await store.create(a.session);
    await store.create(b.session);
    expect((await store.spendReference(a.reference, digest('token-a'), 'conversation-a'))?.conversation).toBe('conversation-a');
    await store.attachResult(a.session.id, { status: 'succes', attributes: { bsn: '999993653' } });
    await store.attachResult(b.session.id, { status: 'succes', attributes: { bsn: '999990019' } });

    const hashOf = (id: string) => `${prefix}s:${digest(id)}`;
    const attrsOf = (id: string) => `${prefix}sa:${digest(id)}`;
    const sealed = (hash: Record<string, string>) => Object.keys(hash).filter((field) => hash[field]!.startsWith('v1.')).sort();
    const hashA = await inspector.hGetAll(hashOf(a.session.id));
    const hashB = await inspector.hGetAll(hashOf(b.session.id));
    // Every sealed field of the hash is tried, so one added later is checked too.
    expect(sealed(hashA)).toEqual(expect.arrayContaining(['conv', 'curl', 'data', 'res']));
    expect(sealed(hashB)).toEqual(sealed(hashA));

    for (const [from, fromHash, to, toHash] of [[a, hashA, b, hashB], [b, hashB, a, hashA]] as const) {
      for (const field of sealed(toHash)) {
        await inspector.hSet(hashOf(to.session.id), field, fromHash[field]!);
        await expect(store.get(to.session.id), field).rejects.toBeInstanceOf(StoreDataError);
        await expect(store.getByAttrId(to.attrId), field).rejects.toBeInstanceOf(StoreDataError);
        await inspector.hSet(hashOf(to.session.id), field, toHash[field]!);
      }
      // The attributes, in a key of their own.
      const ownAttrs = (await inspector.get(attrsOf(to.session.id)))!;
      await inspector.set(attrsOf(to.session.id), (await inspector.get(attrsOf(from.session.id)))!, { KEEPTTL: true });
      await expect(store.get(to.session.id)).rejects.toBeInstanceOf(StoreDataError);
      await inspector.set(attrsOf(to.session.id), ownAttrs, { KEEPTTL: true });
    }

    // Put back, each reads as its own again.
    expect((await store.get(a.session.id))?.conversation).toBe('conversation-a');
    expect((await store.get(b.session.id))?.conversation).toBe('conversation-b');
    expect((await store.get(b.session.id))?.binding?.clientUrl).toBe('https://idp.example/b');
    expect((await store.get(b.session.id))?.result?.attributes).toEqual({ bsn: '999990019' });
  });

  it('opens a sealed identity, its attributes, a change message and a webhook body only in their own record', async () => {
    const prefix = freshPrefix();
    const [store, other] = [makeStore({ prefix }), makeStore({ prefix })];
    const x = identity({ conversation: 'conversation-1', status: 'verified', attributes: { bsn: '999993653' } });
    const y = identity({ conversation: 'conversation-2', status: 'verified', attributes: { bsn: '999990019' } });
    // Same conversation as y, another id.
    const z = identity({ conversation: 'conversation-2', status: 'verified', attributes: { bsn: '999992910' } });
    for (const record of [x, y, z]) await store.putIdentity(record, 60_000);

    const recordKey = (record: IdentityRecord) => `${prefix}i:${digest(record.conversation)}:${record.id}`;
    const attrsKey = (record: IdentityRecord) => `${prefix}ia:${digest(record.conversation)}:${record.id}`;
    for (const keyOf of [recordKey, attrsKey]) {
      for (const from of [x, z]) {
        const own = (await inspector.get(keyOf(y)))!;
        await inspector.set(keyOf(y), (await inspector.get(keyOf(from)))!, { KEEPTTL: true });
        await expect(store.listIdentities('conversation-2')).rejects.toBeInstanceOf(StoreDataError);
        await inspector.set(keyOf(y), own, { KEEPTTL: true });
      }
    }
    expect((await store.listIdentities('conversation-2')).map((record) => record.attributes)).toEqual([y.attributes, z.attributes]);

    // A change published for conversation-1, published again on conversation-2's channel, is not told there.
    const published: string[] = [];
    const listener = inspector.duplicate();
    await listener.connect();
    await listener.subscribe(`${prefix}ch:c:${digest('conversation-1')}`, (message) => published.push(message));
    const told: IdentityRecord[] = [];
    other.subscribeConversation('conversation-2', (record) => told.push(record));
    await other.listIdentities('conversation-2');
    await store.putIdentity({ ...x, updatedAt: x.updatedAt + 1 }, 60_000);
    await vi.waitFor(() => expect(published).toHaveLength(1));
    await listener.close();
    await inspector.publish(`${prefix}ch:c:${digest('conversation-2')}`, published[0]!);
    // Published after the copy: once it is told, the copy would have been told before it.
    await store.putIdentity({ ...y, updatedAt: y.updatedAt + 1 }, 60_000);
    await vi.waitFor(() => expect(told).toHaveLength(1));
    expect(told.map((record) => record.id)).toEqual([y.id]);

    // A webhook body copied into another delivery.
    const outbox = store.webhookOutbox();
    await outbox.enqueue({ id: 'msg_a', type: 'identity.verified', body: '{"to":"a"}', attempts: 0, dueAt: Date.now() + 3_600_000 });
    await outbox.enqueue({ id: 'msg_b', type: 'identity.verified', body: '{"to":"b"}', attempts: 0, dueAt: 0 });
    const ownBody = (await inspector.hGet(`${prefix}w:d:msg_b`, 'body'))!;
    await inspector.hSet(`${prefix}w:d:msg_b`, 'body', (await inspector.hGet(`${prefix}w:d:msg_a`, 'body'))!);
    await expect(outbox.claimDue(1, 1, 1000)).rejects.toBeInstanceOf(StoreDataError);
    await inspector.hSet(`${prefix}w:d:msg_b`, 'body', ownBody);
    expect((await outbox.claimDue(2000, 1, 1000)).map((delivery) => delivery.body)).toEqual(['{"to":"b"}']);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new RedisSessionStore({ url: server.url, key: randomBytes(16) })).toThrow(/32 bytes/);
  });
});

describe('RedisSessionStore: Redis going away and coming back', () => {
  let own: RedisServer;
  beforeAll(async () => {
    own = await startRedisServer();
  });
  afterAll(async () => {
    await own?.close();
  });
  afterEach(() => {
    own.resume();
  });

  async function expectUnavailable(call: Promise<unknown>, withinMs: number) {
    const started = performance.now();
    await expect(call).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(performance.now() - started).toBeLessThan(withinMs);
  }

  it('fails every call with StoreUnavailableError while Redis is down, then works again by itself', async () => {
    const prefix = freshPrefix();
    const a = makeStore({ url: own.url, prefix });
    const b = makeStore({ url: own.url, prefix });
    const outbox = a.webhookOutbox();
    const before = sessionRecord();
    await a.create(before.session);
    const changes: SessionChange[] = [];
    b.subscribe(before.session.id, (change) => changes.push(change));
    await b.countSessions();

    let told = 0;
    const stopTelling = b.onUnavailable(() => (told += 1));
    await own.stop();
    // Streams learn that wake-ups cannot reach them now (once per loss).
    await vi.waitFor(() => expect(told).toBe(1), { timeout: 2000 });
    const { session, reference, attrId } = sessionRecord();
    // The default wait for a lost connection is 1 s: each call gives up soon after.
    await expectUnavailable(a.get(before.session.id), 2500);
    await expectUnavailable(a.create(session), 2500);
    const calls: Array<Promise<unknown>> = [
      a.getByAttrId(attrId),
      a.getByReference(reference),
      a.attachResult(session.id, { status: 'failed', attributes: {} }),
      a.markDelivered(session.id, 10),
      a.purgeAttributes(session.id),
      a.delete(session.id),
      a.spendReference(reference, digest('t')),
      a.claimActivity(session.id, 10),
      a.claimToken(randomSecret(), Date.now() + 1000),
      a.countSessions(),
      a.hit('rate:x', 1000),
      a.openStream(randomSecret(), 10),
      a.closeStream(randomSecret()),
      a.putIdentity(identity(), 1000),
      a.listIdentities('c'),
      a.forgetConversation('c', 1000),
      a.openRequest(verificationRequest(), 1000),
      a.getRequest('c'),
      a.settleRequest('c', 'id', { status: 'declined' }, Date.now()),
      a.ping(),
      outbox.enqueue({ id: 'msg_1', type: 'identity.failed', body: '{}', attempts: 0, dueAt: 0 }),
      outbox.claimDue(0, 1, 1000),
      outbox.nextDueAt(),
    ];
    // All at once: none waits behind another.
    const started = performance.now();
    const outcomes = await Promise.allSettled(calls);
    expect(performance.now() - started).toBeLessThan(2500);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    }
    // Subscribing while down neither throws nor hangs.
    const later: SessionChange[] = [];
    const { session: afterSession } = sessionRecord();
    b.subscribe(afterSession.id, (change) => later.push(change));

    await own.start();
    stopTelling();
    await vi.waitFor(() => a.ping(), { timeout: 10_000, interval: 100 });
    await vi.waitFor(() => b.ping(), { timeout: 10_000, interval: 100 });
    // The restart lost everything (no persistence here): the listener from before is told.
    await vi.waitFor(() => expect(changes).toEqual([{ type: 'deleted' }]), { timeout: 10_000 });
    await a.create(session);
    expect((await a.get(session.id))?.id).toBe(session.id);
    expect(await a.attachResult(session.id, { status: 'failed', attributes: {} })).toBe('attached');
    expect(await outbox.enqueue({ id: 'msg_2', type: 'identity.failed', body: '{}', attempts: 0, dueAt: 0 })).toBe(true);
    // Wake-ups across instances work again, for a subscription made while down too (its
    // SUBSCRIBE goes out again once the subscriber is back; a result attached before that is
    // told by the read that follows the reconnect).
    await a.create(afterSession);
    await a.attachResult(afterSession.id, { status: 'failed', attributes: {} });
    await vi.waitFor(() => expect(later).toEqual([{ type: 'result' }]), { timeout: 10_000 });
    const again: SessionChange[] = [];
    const fresh = sessionRecord().session;
    await a.create(fresh);
    b.subscribe(fresh.id, (change) => again.push(change));
    await b.countSessions();
    await a.attachResult(fresh.id, { status: 'failed', attributes: {} });
    await vi.waitFor(() => expect(again).toEqual([{ type: 'result' }]), { timeout: 2000 });
  });

  it('fails a call within the command timeout when Redis stops answering, and recovers', async () => {
    const store = makeStore({ url: own.url, commandTimeoutMs: 300 });
    await store.ping();
    own.pause();
    await expectUnavailable(store.countSessions(), 1500);
    own.resume();
    await vi.waitFor(() => store.ping(), { timeout: 10_000, interval: 100 });
    expect(await store.countSessions()).toBe(0);
  });

  it('quits both its connections on close, and fails calls after', async () => {
    const clientName = `idc-close-${randomSecret().slice(0, 8)}`;
    const store = new RedisSessionStore({ url: own.url, key: storeKey, clientName });
    store.subscribe(randomSecret(), () => {});
    await store.countSessions();
    const ours = async () => (await inspector.duplicate({ url: own.url }).connect().then(async (client) => {
      const list = await client.clientList();
      await client.close();
      return list;
    })).filter((client) => client.name.startsWith(clientName));
    expect(await ours()).toHaveLength(2);
    await store.close();
    await vi.waitFor(async () => expect(await ours()).toEqual([]), { timeout: 2000 });
    await expect(store.get(randomSecret())).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('RedisSessionStore: stream groups', () => {
  it('gives a group its cap of slots across two instances, never more, and each back on close', async () => {
    const [a, b] = twoInstances();
    const group = { name: `agent:${randomSecret()}`, max: 3 };
    const ids = Array.from({ length: 20 }, () => randomSecret());
    const outcomes = await Promise.all(ids.map((id, i) => (i % 2 ? a : b).openGroupStream(id, 100, group)));
    expect(outcomes.filter((outcome) => outcome === 'opened')).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome === 'group_full')).toHaveLength(17);
    await Promise.all(ids.map((id, i) => (outcomes[i] === 'opened' ? (i % 2 ? a : b).closeStream(id) : undefined)));
    expect(await b.openGroupStream(randomSecret(), 100, group)).toBe('opened');
  });

  it('keeps a group under its digest, with a lease as TTL, renewed while the stream is open', async () => {
    const prefix = freshPrefix();
    const store = makeStore({ prefix, streamLeaseMs: 300 });
    const group = { name: 'agent:chat-with-jan-jansen', max: 1 };
    expect(await store.openGroupStream(randomSecret(), 10, group)).toBe('opened');
    const keys = await keysUnder(prefix);
    expect(keys.join('\n')).not.toContain('jan-jansen');
    const [groupKey, ...more] = keys.filter((key) => key.startsWith(`${prefix}sg:`));
    expect(more).toEqual([]);
    const ttl = await inspector.pTTL(groupKey!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await sleep(900); // three leases: renewed all along
    expect(await store.openGroupStream(randomSecret(), 10, group)).toBe('group_full');
  });

  it('takes back a group slot whose lease ran out (its instance gone without closing it)', async () => {
    const prefix = freshPrefix();
    // An instance whose last renewal was a while ago: its leases ended in the past.
    const gone = makeStore({ prefix, streamLeaseMs: 300, now: () => Date.now() - 10_000 });
    const alive = makeStore({ prefix, streamLeaseMs: 300 });
    const group = { name: `agent:${randomSecret()}`, max: 1 };
    expect(await gone.openGroupStream(randomSecret(), 1, group)).toBe('opened');
    expect(await alive.openGroupStream(randomSecret(), 1, group)).toBe('opened');
  });
});
