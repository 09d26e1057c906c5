/**
 * `npm run bench:agent`: how long from a result's arrival at the attr_url to
 * the employee's side knowing it: the identity event on /agent/events, and
 * the signed webhook's receipt. Real HTTP on loopback, one backend with the
 * memory store, logins one after another. Each login was launched in its
 * browser; right after the result, that browser returns to the comm_url (the
 * usual order), and the release waits IDC_BINDING_SETTLE_MS: measured with 0
 * and with the default. Prints figures; asserts nothing.
 */
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { bindingCookieName } from '../src/results/binding.ts';
import { digest, randomSecret } from '../src/crypto/secrets.ts';
import { serveApp } from '../src/http/serve.ts';
import { MemorySessionStore } from '../src/store/memory-store.ts';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';
import { openSse } from '../../testkit/sse.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 200);
/** With the default settle time each login takes a second: fewer of them. */
const SETTLED_COUNT = Number(process.env.BENCH_SETTLED_COUNT ?? 20);
const SITE = 'https://gemeente.example';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return `${label.padEnd(34)} p50 ${percentile(sorted, 50).toFixed(2)} ms   p99 ${percentile(sorted, 99).toFixed(2)} ms   mean ${mean.toFixed(2)} ms   (n=${samples.length})`;
}

const ours = rsaKeyPair();
const plugin = rsaKeyPair();
const ticketSecret = randomSecret();
const webhookArrivals = new Map<string, number>();
const receiver = await serveApp(
  new Hono().post('/hook', async (c) => {
    const event = JSON.parse(await c.req.text()) as { data: { id: string } };
    webhookArrivals.set(event.data.id, performance.now());
    return c.body(null, 204);
  }),
);

async function measure(settleMs: number | undefined, count: number) {
// The core is never called: sessions are made the way POST /sessions and the launch make them, minus the core.
let app: ReturnType<typeof createApp> | undefined;
const backend = await serveApp({ fetch: (request, env) => app!.fetch(request, env) });
const config = loadConfig({
  ...(settleMs === undefined ? {} : { IDC_BINDING_SETTLE_MS: String(settleMs) }),
  IDC_PUBLIC_URL: backend.url,
  IDC_CORE_URL: 'http://127.0.0.1:9',
  IDC_DECRYPTION_KEY: ours.privatePem,
  IDC_SIGNATURE_KEYS: plugin.publicPem,
  IDC_ALLOWED_ORIGINS: SITE,
  IDC_TICKET_SECRET: ticketSecret,
  IDC_WEBHOOK_URL: `${receiver.url}/hook`,
  IDC_WEBHOOK_SECRET: `whsec_${Buffer.from(randomSecret()).toString('base64')}`,
});
const store = new MemorySessionStore();
app = createApp(config, { store, logger: silentLogger });

const hostTicket = await new SignJWT({ conversation: 'bench' })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('id-contact-host')
  .setExpirationTime('1h')
  .sign(new TextEncoder().encode(ticketSecret));
const agent = await openSse(`${backend.url}/agent/events`, { Authorization: `Bearer ${hostTicket}` });

const toAgent: number[] = [];
const toWebhook: number[] = [];
for (let i = 0; i < count; i += 1) {
  const attrId = randomSecret();
  const browser = randomSecret();
  const token = await createResultToken(
    { status: 'succes', attributes: { bsn: String(100000000 + i), fullname: 'Test Persoon' } },
    { signingKey: plugin.privateKey, encryptionKey: ours.publicKey },
  );
  const session = {
    id: randomSecret(),
    identityId: randomSecret(),
    purpose: 'report_move',
    authMethod: 'irma',
    conversation: 'bench',
    streamTokenDigest: digest(randomSecret()),
    attrIdDigest: digest(attrId),
    createdAt: Date.now(),
    expiresAt: Date.now() + 900_000,
    binding: { launchDigest: digest(randomSecret()), clientUrl: 'https://auth.example/login', browserDigest: digest(browser) },
  };
  await store.create(session);

  const sent = performance.now();
  const response = await fetch(`${backend.url}/attributes/${attrId}`, { method: 'POST', headers: { 'Content-Type': 'application/jwt' }, body: token });
  if (response.status !== 200) throw new Error(`intake answered ${response.status}`);
  const returned = await fetch(`${backend.url}/return/${session.id}`, { headers: { Cookie: `${bindingCookieName(config, session.id)}=${browser}` } });
  if (returned.status !== 200) throw new Error(`return answered ${returned.status}`);
  for (;;) {
    const message = await agent.next(5000);
    if (!message) throw new Error('no identity event within 5 s');
    if (message.event !== 'identity') continue;
    const identity = JSON.parse(message.data!) as { id: string; status: string };
    if (identity.id === session.identityId && identity.status === 'verified') break;
  }
  toAgent.push(performance.now() - sent);
  const deadline = Date.now() + 5000;
  while (!webhookArrivals.has(session.identityId)) {
    if (Date.now() > deadline) throw new Error('no webhook within 5 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
  toWebhook.push(webhookArrivals.get(session.identityId)! - sent);
}

console.log(`IDC_BINDING_SETTLE_MS=${config.bindingSettleMs}: from POST to attr_url (sent) to the employee's side, ${count} results one after another, RSA-2048:`);
console.log(summary('identity event on /agent/events', toAgent));
console.log(summary('signed webhook received', toWebhook));

agent.close();
await backend.close();
await store.close();
}

await measure(0, COUNT);
await measure(undefined, SETTLED_COUNT);
await receiver.close();
process.exit(0);
