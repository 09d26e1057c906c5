/**
 * One fuzz run: the stand-ins in this process, the backend as a child
 * process, a pool of real sessions to aim at, then `concurrency` workers
 * sending cases until the count or the time is up (or the backend dies).
 */
import { newTarget, sendHttp, sendRaw, type Outcome } from './send.ts';
import { startWatchedBackend as startBackendProcess } from '../../testkit/backend-process.ts';
import { LivePool } from './live-pool.ts';
import { Random } from './random.ts';
import { rawCase, type RawCase } from './raw-cases.ts';
import { ResultTokens } from './result-tokens.ts';
import { httpCase, validCase, type CaseContext, type HttpCase } from './route-cases.ts';
import { makeKeys, startStandIns } from './stand-ins.ts';
import { FuzzTickets } from './tickets.ts';
import { Tally, type FuzzReport } from './tally.ts';

export interface FuzzOptions {
  count: number;
  seconds: number;
  concurrency: number;
  seed: number;
  /** Send only the request with this number (a replay of one finding). */
  only?: number;
  /** Called now and then with a line on progress. */
  progress?: (line: string) => void;
}

const SITE = 'https://gemeente.example';
const AGENT_CONSOLE = 'https://console.gemeente.example';
const CORE_CREDENTIALS = 'core:fuzz-secret';
/** Share of cases written to raw sockets. */
const RAW_SHARE = 0.08;

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const keys = makeKeys();
  const standIns = await startStandIns(keys);
  const tickets = await FuzzTickets.make();
  const backend = await startBackendProcess({
    decryptionKeyPem: keys.ours.privatePem,
    signatureKeysPem: keys.plugin.publicPem,
    coreUrl: standIns.core.url,
    allowedOrigin: SITE,
    chatUrl: `${SITE}/chat`,
    pluginAuth: CORE_CREDENTIALS,
    ticketSecret: tickets.secret,
    agentOrigin: AGENT_CONSOLE,
  }).catch(async (error: unknown) => {
    await standIns.close();
    throw error;
  });
  const target = newTarget(backend.url, options.concurrency);
  const pool = new LivePool();
  const ctx: CaseContext = {
    pool,
    tokens: new ResultTokens(keys, standIns.plugin.url),
    site: SITE,
    tickets,
    agentConsole: AGENT_CONSOLE,
    coreAuthorization: `Basic ${Buffer.from(CORE_CREDENTIALS).toString('base64')}`,
  };
  const learn = (c: HttpCase, outcome: Outcome) => {
    if (outcome.kind === 'answered' && c.harvest) c.harvest(outcome.statuses[0]!, outcome.body);
  };

  try {
    // Real sessions of every kind before the first mutation, so mutations start from live ids.
    const primer = new Random(options.seed);
    for (const route of ['POST /start_communication', 'POST /sessions/attach', 'POST /sessions', 'POST /agent/requests'] as const) {
      for (let i = 0; i < 16; i++) {
        const c = await validCase(primer, ctx, route);
        learn(c, await sendHttp(target, c));
      }
    }

    const tally = new Tally();
    const rssBeforeBytes = backend.rss();
    const started = Date.now();
    const deadline = started + options.seconds * 1000;
    let next = options.only ?? 0;
    const end = options.only === undefined ? options.count : options.only + 1;
    let lastProgress = started;

    const worker = async () => {
      while (next < end && Date.now() < deadline && !backend.exited()) {
        const index = next++;
        const random = Random.forRequest(options.seed, index);
        let c: RawCase | HttpCase;
        try {
          c = random.chance(RAW_SHARE) ? await rawCase(random, ctx) : await httpCase(random, ctx);
        } catch (error) {
          // A bug in the fuzz, not the backend: shown, and the run goes on.
          tally.recordFuzzBug(index, error);
          continue;
        }
        const outcome = c.kind === 'raw' ? await sendRaw(target, c) : await sendHttp(target, c);
        if (c.kind === 'http') learn(c, outcome);
        tally.record(index, c, outcome);
        if (options.progress && Date.now() - lastProgress > 10_000) {
          lastProgress = Date.now();
          const rss = backend.rss();
          options.progress(
            `${tally.sent} sent, ${tally.serverErrors.count} 5xx, ${tally.dropped.count} dropped, backend RSS ${rss ? (rss / 1048576).toFixed(0) : '?'} MB`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const elapsedMs = Date.now() - started;
    target.agent.destroy();

    // Let the backend finish what is in flight and its log catch up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const healthz = await fetch(`${backend.url}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
      (response) => response.status,
      () => undefined,
    );
    const exit = backend.exited();
    return {
      seed: options.seed,
      count: options.count,
      seconds: options.seconds,
      concurrency: options.concurrency,
      elapsedMs,
      sent: tally.sent,
      http: tally.http,
      raw: tally.raw,
      classes: tally.classes,
      statuses: tally.statuses,
      serverErrors: tally.serverErrors,
      upstreamRefusals: tally.upstreamRefusals,
      loggedServerErrors: Object.fromEntries(backend.log.fiveHundreds),
      backendProblems: Object.fromEntries(backend.log.problems),
      dropped: tally.dropped,
      silent: tally.silent,
      unsendable: tally.unsendable,
      hungUp: tally.hungUp,
      rssBeforeBytes,
      rssAfterBytes: backend.rss(),
      alive: { running: !exit, healthz, ...(exit ? { exit: `exit code ${exit.code}, signal ${exit.signal}` } : {}) },
      ...(exit ? { backendTail: backend.log.tail } : {}),
    };
  } finally {
    target.agent.destroy();
    await backend.stop();
    await standIns.close();
  }
}
