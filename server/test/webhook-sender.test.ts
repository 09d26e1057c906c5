import { createHmac, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { serveApp, type RunningServer } from '../src/http/serve.ts';
import { MemoryWebhookOutbox } from '../src/webhook/memory-outbox.ts';
import type { PendingWebhook } from '../src/webhook/outbox.ts';
import { WebhookSender, type WebhookSenderOptions } from '../src/webhook/webhook-sender.ts';
import { recordingLogger } from '../../testkit/backend.ts';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

/** The kind of identity object the lead's routes will send; the sender treats it as opaque. */
const identity = {
  id: 'idn_1',
  purpose: 'report_move',
  auth_method: 'irma',
  status: 'verified',
  attributes: { bsn: '999993653', fullname: 'Sanne de Vries' },
  updated_at: '2030-01-01T12:00:00.000Z',
  conversation: 'chat-42',
};
const PERSONAL = ['999993653', 'Sanne'];

interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

type Answer = number | 'hang' | { redirectTo: string };

const servers: RunningServer[] = [];
const senders: WebhookSender[] = [];
const hanging: Array<() => void> = [];

afterEach(async () => {
  await Promise.all(senders.splice(0).map((sender) => sender.close()));
  hanging.splice(0).forEach((release) => release());
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A site's webhook endpoint on a loopback port, answering the nth request with answer(n). */
async function receiver(answer: (n: number) => Answer = () => 204, port = 0) {
  const received: Received[] = [];
  const app = new Hono().post('*', async (c) => {
    received.push({ headers: Object.fromEntries(c.req.raw.headers), body: await c.req.text(), at: Date.now() });
    const how = answer(received.length);
    if (how === 'hang') {
      await new Promise<void>((release) => hanging.push(release));
      return c.body(null, 200);
    }
    if (typeof how === 'object') return c.redirect(how.redirectTo, 307);
    return c.body(null, how as 200);
  });
  const server = await serveApp(app, { port });
  servers.push(server);
  return { received, server, url: `${server.url}/hooks/idc?token=s3cr3t-query` };
}

function sender(url: string, options: Partial<WebhookSenderOptions> = {}) {
  const logger = recordingLogger();
  const outbox = new MemoryWebhookOutbox();
  const created = new WebhookSender({ url, secret, logger, outbox, retryDelaysMs: [20, 20, 20], ...options });
  senders.push(created);
  return { sender: created, logger, outbox };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Standard Webhooks signature, computed here from the spec with node:crypto, not by the code under test. */
function expectedSignature(headers: Record<string, string>, body: string, whsec = secret): string {
  const key = Buffer.from(whsec.slice('whsec_'.length), 'base64');
  const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
  return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
}

function expectNoPersonalData(lines: string[]) {
  const text = lines.join('\n');
  for (const value of [...PERSONAL, 's3cr3t-query', '127.0.0.1', '/hooks/idc', 'chat-42']) expect(text).not.toContain(value);
}

describe('WebhookSender: the request', () => {
  it('POSTs {type, timestamp, data} as JSON, signed per Standard Webhooks (checked independently and by the library)', async () => {
    const site = await receiver();
    const { sender: webhooks } = sender(site.url);
    const before = Math.floor(Date.now() / 1000);
    webhooks.send('identity.verified', identity);
    await waitFor(() => site.received.length === 1);

    const [{ headers, body }] = site.received as [Received];
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]{24}$/);
    const timestamp = Number(headers['webhook-timestamp']);
    expect(headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(headers['webhook-signature']).toBe(expectedSignature(headers, body));

    const payload = JSON.parse(body);
    expect(Object.keys(payload).sort()).toEqual(['data', 'timestamp', 'type']);
    expect(payload.type).toBe('identity.verified');
    expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
    expect(Math.abs(Date.parse(payload.timestamp) - Date.now())).toBeLessThan(5000);
    expect(payload.data).toEqual(identity);

    expect(new Webhook(secret).verify(body, headers)).toEqual(payload);
    const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
    expect(() => new Webhook(otherSecret).verify(body, headers)).toThrow('No matching signature');
    expect(() => new Webhook(secret).verify(body.replace('999993653', '999993654'), headers)).toThrow('No matching signature');
  });

  it('sends each event type under its own webhook-id', async () => {
    const site = await receiver();
    const { sender: webhooks } = sender(site.url);
    webhooks.send('identity.verified', identity);
    webhooks.send('identity.failed', { ...identity, status: 'failed', attributes: undefined });
    webhooks.send('identity.logged_out', { ...identity, status: 'logged_out', attributes: undefined });
    await waitFor(() => site.received.length === 3);
    const types = site.received.map((request) => JSON.parse(request.body).type).sort();
    expect(types).toEqual(['identity.failed', 'identity.logged_out', 'identity.verified']);
    expect(new Set(site.received.map((request) => request.headers['webhook-id'])).size).toBe(3);
    for (const { headers, body } of site.received) expect(headers['webhook-signature']).toBe(expectedSignature(headers, body));
  });

  it('signs with the injected clock', async () => {
    const site = await receiver();
    const at = Date.parse('2030-05-06T07:08:09.123Z');
    const { sender: webhooks } = sender(site.url, { now: () => at });
    webhooks.send('identity.failed', { id: 'idn_2' });
    await waitFor(() => site.received.length === 1);
    const [{ headers, body }] = site.received as [Received];
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(at / 1000)));
    expect(JSON.parse(body).timestamp).toBe('2030-05-06T07:08:09.123Z');
    expect(headers['webhook-signature']).toBe(expectedSignature(headers, body));
  });

  it('delivers many events, each once, with one sender', async () => {
    const site = await receiver();
    const { sender: webhooks, outbox } = sender(site.url);
    for (let n = 0; n < 30; n += 1) webhooks.send('identity.verified', { id: `idn_${n}` });
    await waitFor(() => site.received.length === 30);
    await sleep(50);
    expect(site.received).toHaveLength(30);
    expect(new Set(site.received.map((request) => JSON.parse(request.body).data.id)).size).toBe(30);
    expect(await outbox.nextDueAt()).toBeUndefined();
  });

  it('delivers what a shared outbox already held when it starts (left by an instance that died)', async () => {
    const site = await receiver();
    const outbox = new MemoryWebhookOutbox();
    const body = JSON.stringify({ type: 'identity.verified', timestamp: new Date().toISOString(), data: identity });
    const left: PendingWebhook = { id: 'msg_left_behind', type: 'identity.verified', body, attempts: 2, dueAt: Date.now() - 1000 };
    await outbox.enqueue(left);
    sender(site.url, { outbox });
    await waitFor(() => site.received.length === 1);
    const [{ headers, body: sent }] = site.received as [Received];
    expect(headers['webhook-id']).toBe('msg_left_behind');
    expect(sent).toBe(body);
    expect(new Webhook(secret).verify(sent, headers)).toMatchObject({ data: identity });
  });
});

describe('WebhookSender: retries', () => {
  it.each([500, 404, 429])('retries after a %i with the same webhook-id and body, each attempt signed afresh', async (status) => {
    const site = await receiver((n) => (n === 1 ? status : 200));
    const { sender: webhooks, logger, outbox } = sender(site.url);
    webhooks.send('identity.verified', identity);
    await waitFor(() => site.received.length === 2);
    const [first, second] = site.received as [Received, Received];
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    for (const { headers, body } of site.received) {
      expect(headers['webhook-signature']).toBe(expectedSignature(headers, body));
      expect(new Webhook(secret).verify(body, headers)).toMatchObject({ data: identity });
    }
    await waitFor(async () => (await outbox.nextDueAt()) === undefined);
    await sleep(60);
    expect(site.received).toHaveLength(2);
    expect(logger.lines).toEqual([
      `info webhook delivery failed, will retry {"type":"identity.verified","attempt":1,"reason":"status ${status}"}`,
    ]);
  });

  it('waits the given delays between attempts', async () => {
    const site = await receiver(() => 503);
    const { sender: webhooks } = sender(site.url, { retryDelaysMs: [100, 300] });
    webhooks.send('identity.verified', identity);
    await waitFor(() => site.received.length === 3);
    const [first, second, third] = site.received.map((request) => request.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(95);
    expect(second - first).toBeLessThan(290);
    expect(third - second).toBeGreaterThanOrEqual(295);
  });

  it('retries after a timeout', async () => {
    const site = await receiver((n) => (n === 1 ? 'hang' : 200));
    const { sender: webhooks, logger, outbox } = sender(site.url, { timeoutMs: 200 });
    const started = Date.now();
    webhooks.send('identity.verified', identity);
    await waitFor(() => site.received.length === 2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(site.received[1]!.headers['webhook-id']).toBe(site.received[0]!.headers['webhook-id']);
    expect(logger.lines).toEqual(['info webhook delivery failed, will retry {"type":"identity.verified","attempt":1,"reason":"timeout"}']);
    await waitFor(async () => (await outbox.nextDueAt()) === undefined);
  });

  it('retries after a network error (nothing listening), and delivers once the site is up', async () => {
    const closed = await receiver();
    const port = Number(new URL(closed.server.url).port);
    await closed.server.close();
    const { sender: webhooks, logger } = sender(`http://127.0.0.1:${port}/hooks/idc?token=s3cr3t-query`, {
      retryDelaysMs: [50, 50, 50, 50, 50],
    });
    webhooks.send('identity.logged_out', identity);
    await waitFor(() => logger.lines.some((line) => line.includes('"reason":"unreachable"')));
    const site = await receiver(() => 200, port);
    await waitFor(() => site.received.length === 1);
    expect(JSON.parse(site.received[0]!.body)).toMatchObject({ type: 'identity.logged_out', data: identity });
    expect(logger.lines.every((line) => line.includes('"reason":"unreachable"'))).toBe(true);
    expectNoPersonalData(logger.lines);
  });

  it('gives up after the last retry and logs the type and attempt count only', async () => {
    const site = await receiver(() => 500);
    const { sender: webhooks, logger, outbox } = sender(site.url, { retryDelaysMs: [10, 10, 10] });
    webhooks.send('identity.verified', identity);
    await waitFor(() => logger.lines.some((line) => line.startsWith('warn')));
    expect(site.received).toHaveLength(4);
    expect(new Set(site.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([
      'warn webhook delivery given up {"type":"identity.verified","attempts":4}',
    ]);
    expectNoPersonalData(logger.lines);
    // Given up means forgotten: nothing personal stays in the outbox, and nothing more is sent.
    expect(await outbox.nextDueAt()).toBeUndefined();
    await sleep(100);
    expect(site.received).toHaveLength(4);
  });

  it('does not follow a redirect: the target gets nothing, and the 307 counts as a failure', async () => {
    const elsewhere = await receiver();
    const site = await receiver(() => ({ redirectTo: `${elsewhere.server.url}/steal` }));
    const { sender: webhooks, logger } = sender(site.url, { retryDelaysMs: [10] });
    webhooks.send('identity.verified', identity);
    await waitFor(() => logger.lines.some((line) => line.startsWith('warn')));
    expect(site.received).toHaveLength(2);
    expect(elsewhere.received).toHaveLength(0);
    expect(logger.lines).toEqual([
      'info webhook delivery failed, will retry {"type":"identity.verified","attempt":1,"reason":"status 307"}',
      'warn webhook delivery given up {"type":"identity.verified","attempts":2}',
    ]);
  });

  it('uses the documented schedule by default: about 2 s before the first retry', async () => {
    const site = await receiver((n) => (n === 1 ? 500 : 200));
    const { sender: webhooks } = sender(site.url, { retryDelaysMs: undefined });
    const started = Date.now();
    webhooks.send('identity.verified', identity);
    await waitFor(() => site.received.length === 2, 4000);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1900);
    expect(waited).toBeLessThan(3500);
  });
});

describe('WebhookSender: never in the caller\'s way', () => {
  it('returns from send() at once, even while the receiver hangs', async () => {
    const site = await receiver(() => 'hang');
    const { sender: webhooks } = sender(site.url);
    const started = Date.now();
    for (let n = 0; n < 5; n += 1) expect(webhooks.send('identity.verified', identity)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(50);
    await waitFor(() => site.received.length >= 1);
  });

  it('does not throw on data that is not JSON, and logs no data', () => {
    const { sender: webhooks, logger } = sender('http://127.0.0.1:9/hook');
    expect(() => webhooks.send('identity.verified', { bsn: '999993653', big: 1n })).not.toThrow();
    expect(logger.lines).toEqual(['error webhook not sent: data is not JSON {"type":"identity.verified"}']);
  });

  it('does not send a body over the bound', async () => {
    const site = await receiver();
    const { sender: webhooks, logger } = sender(site.url, { maxBodyBytes: 1024 });
    webhooks.send('identity.verified', { ...identity, attributes: { ...identity.attributes, photo: 'x'.repeat(2000) } });
    webhooks.send('identity.failed', { id: 'idn_small' });
    await waitFor(() => site.received.length === 1);
    expect(JSON.parse(site.received[0]!.body).type).toBe('identity.failed');
    expect(logger.lines[0]).toMatch(/^warn webhook not sent: body too large \{"type":"identity.verified","bytes":\d+\}$/);
    expectNoPersonalData(logger.lines);
  });

  it('does not throw when the outbox fails or is full', async () => {
    const logger = recordingLogger();
    const broken = new MemoryWebhookOutbox();
    broken.enqueue = () => Promise.reject(new Error('connection refused'));
    const webhooks = new WebhookSender({ url: 'http://127.0.0.1:9/hook', secret, logger, outbox: broken });
    senders.push(webhooks);
    expect(() => webhooks.send('identity.verified', identity)).not.toThrow();
    const full = sender('http://127.0.0.1:9/hook', { outbox: new MemoryWebhookOutbox(0) });
    full.sender.send('identity.failed', identity);
    await waitFor(() => logger.lines.length === 1 && full.logger.lines.length === 1);
    expect(logger.lines).toEqual(['error webhook not sent: outbox unavailable {"type":"identity.verified"}']);
    expect(full.logger.lines).toEqual(['warn webhook not sent: outbox full {"type":"identity.failed"}']);
  });

  it('keeps going when the outbox fails while delivering, and logs it', async () => {
    const site = await receiver();
    const outbox = new MemoryWebhookOutbox();
    const claimDue = outbox.claimDue.bind(outbox);
    let failures = 1;
    outbox.claimDue = (...args) => (failures-- > 0 ? Promise.reject(new Error('connection reset')) : claimDue(...args));
    const { sender: webhooks, logger } = sender(site.url, { outbox, pollIntervalMs: 50 });
    webhooks.send('identity.verified', identity);
    await waitFor(() => site.received.length === 1);
    expect(logger.lines).toContain('error webhook outbox unavailable {}');
  });
});

describe('WebhookSender: cancelConversation()', () => {
  it('drops a delivery carrying the conversation\'s attributes that waits for a retry: the receiver, back, never gets it again', async () => {
    let failing = true;
    const site = await receiver(() => (failing ? 503 : 204));
    const { sender: webhooks, logger, outbox } = sender(site.url, { retryDelaysMs: [100, 100] });
    webhooks.send('identity.verified', identity, { conversation: 'chat-42' });
    webhooks.send('identity.failed', { ...identity, status: 'failed', attributes: undefined });
    await waitFor(() => site.received.length === 2);
    expect(await webhooks.cancelConversation('chat-42')).toBe(1);
    failing = false;
    await waitFor(async () => (await outbox.nextDueAt()) === undefined);
    await sleep(250);
    const types = site.received.map(({ body }) => JSON.parse(body).type as string);
    expect(types.filter((type) => type === 'identity.verified')).toHaveLength(1);
    expect(types.filter((type) => type === 'identity.failed')).toHaveLength(2);
    expect(logger.lines).toContain('info webhook deliveries cancelled: conversation forgotten {"deliveries":1}');
    expectNoPersonalData(logger.lines);
  });

  it('cancels one sent just before it, whose enqueue had not finished yet', async () => {
    const site = await receiver();
    const outbox = new MemoryWebhookOutbox();
    const enqueue = outbox.enqueue.bind(outbox);
    outbox.enqueue = async (delivery) => (await sleep(50), enqueue(delivery));
    const { sender: webhooks } = sender(site.url, { outbox });
    webhooks.send('identity.verified', identity, { conversation: 'chat-42' });
    expect(await webhooks.cancelConversation('chat-42')).toBe(1);
    await sleep(100);
    expect(site.received).toEqual([]);
  });

  it('leaves other conversations\' deliveries and those sent without a conversation', async () => {
    const site = await receiver();
    const outbox = new MemoryWebhookOutbox();
    const { sender: webhooks } = sender(site.url, { outbox });
    // Held back until the cancel is done, so that it finds them queued.
    const claimDue = outbox.claimDue.bind(outbox);
    let held = true;
    outbox.claimDue = (...args) => (held ? Promise.resolve([]) : claimDue(...args));
    webhooks.send('identity.verified', identity, { conversation: 'chat-43' });
    webhooks.send('identity.forgotten', { ...identity, status: 'forgotten', attributes: undefined });
    expect(await webhooks.cancelConversation('chat-42')).toBe(0);
    held = false;
    webhooks.send('identity.logged_out', { id: 'idn_2' });
    await waitFor(() => site.received.length === 3);
  });
});

describe('WebhookSender: close()', () => {
  it('stops the timer: no retry after close', async () => {
    const site = await receiver(() => 500);
    const { sender: webhooks } = sender(site.url, { retryDelaysMs: [100, 100] });
    webhooks.send('identity.verified', identity);
    await waitFor(() => site.received.length === 1);
    await webhooks.close();
    await sleep(300);
    expect(site.received).toHaveLength(1);
  });

  it('aborts an attempt in flight without counting it, leaving the delivery due for another instance', async () => {
    const site = await receiver(() => 'hang');
    const { sender: webhooks, outbox, logger } = sender(site.url, { timeoutMs: 5000 });
    webhooks.send('identity.verified', identity);
    await waitFor(() => site.received.length === 1);
    const started = Date.now();
    await webhooks.close();
    expect(Date.now() - started).toBeLessThan(1000);
    const [left] = await outbox.claimDue(Date.now(), 10, 1000);
    expect(left).toMatchObject({ id: site.received[0]!.headers['webhook-id'], attempts: 0 });
    expect(logger.lines).toEqual([]);
  });

  it('refuses new events after close, without throwing', async () => {
    const { sender: webhooks, logger } = sender('http://127.0.0.1:9/hook');
    await webhooks.close();
    expect(() => webhooks.send('identity.verified', identity)).not.toThrow();
    expect(logger.lines).toEqual(['warn webhook not sent: sender closed {"type":"identity.verified"}']);
  });
});
