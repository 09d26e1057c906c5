/**
 * The figures of a fuzz run: what was sent, what came back, the first few of
 * each kind of trouble (with the request's number, so `--seed` can replay
 * it), and the report printed at the end.
 */
import type { RawCase } from './raw-cases.ts';
import type { HttpCase } from './route-cases.ts';
import type { Outcome } from './send.ts';

const KEEP_EXAMPLES = 10;

/**
 * The backend's documented answer when the core refuses or fails a call
 * (README, HTTP interface): 502 with these codes. The fuzz sends the core
 * purposes and methods it does not know, so these are expected; counted
 * apart, not as server errors.
 */
const UPSTREAM_CODES = ['core_refused', 'core_unavailable'];
/** The same in the backend's log, which has no error codes: the only 502s these routes give. */
const UPSTREAM_LOGGED = ['POST /sessions 502', 'GET /session_options/:purpose 502'];

export interface Example {
  /** The request's number in the run: with the seed, it makes the same request shape again. */
  index: number;
  route: string;
  request: string;
  outcome: string;
}

export interface Trouble {
  count: number;
  /** Count per route. */
  byRoute: Record<string, number>;
  first: Example[];
}

const trouble = (): Trouble => ({ count: 0, byRoute: {}, first: [] });

function describe(c: HttpCase | RawCase): string {
  if (c.kind === 'raw') return `raw socket: ${c.note.join('; ')}`;
  const path = c.path.length > 120 ? `${c.path.slice(0, 120)}…(${c.path.length} chars)` : c.path;
  const body = c.body ? `, body ${c.body.length} bytes` : '';
  return `${c.method} ${path}${body}${c.note.length ? ` [${c.note.join('; ')}]` : ' [valid]'}`;
}

export class Tally {
  sent = 0;
  http = 0;
  raw = 0;
  /** Answers per status class; a pipelined raw case may add several. */
  readonly classes: Record<string, number> = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  readonly statuses: Record<string, number> = {};
  readonly serverErrors = trouble();
  readonly upstreamRefusals = trouble();
  readonly dropped = trouble();
  readonly silent = trouble();
  readonly unsendable = trouble();
  /** Raw cases that closed on purpose, before or without an answer, by route and what was done. */
  readonly hungUp: Record<string, number> = {};

  /** A request the fuzz failed to make: its own bug, shown so it gets fixed. */
  recordFuzzBug(index: number, error: unknown): void {
    this.unsendable.count++;
    this.unsendable.byRoute['(making the request)'] = (this.unsendable.byRoute['(making the request)'] ?? 0) + 1;
    if (this.unsendable.first.length < KEEP_EXAMPLES) this.unsendable.first.push({ index, route: '(making the request)', request: '(none)', outcome: String(error) });
  }

  record(index: number, c: HttpCase | RawCase, outcome: Outcome): void {
    this.sent++;
    if (c.kind === 'raw') this.raw++;
    else this.http++;
    const note = (bucket: Trouble, what: string) => {
      bucket.count++;
      bucket.byRoute[c.route] = (bucket.byRoute[c.route] ?? 0) + 1;
      if (bucket.first.length < KEEP_EXAMPLES) bucket.first.push({ index, route: c.route, request: describe(c), outcome: what });
    };
    if (outcome.kind === 'answered' || outcome.kind === 'hungUp') {
      for (const status of outcome.statuses) {
        this.classes[`${Math.floor(status / 100)}xx`] = (this.classes[`${Math.floor(status / 100)}xx`] ?? 0) + 1;
        this.statuses[status] = (this.statuses[status] ?? 0) + 1;
      }
      const fiveHundred = outcome.statuses.find((status) => status >= 500);
      const code = outcome.kind === 'answered' ? outcome.error : undefined;
      if (fiveHundred === 502 && code && UPSTREAM_CODES.includes(code)) note(this.upstreamRefusals, `502 ${code}`);
      else if (fiveHundred !== undefined) note(this.serverErrors, `${fiveHundred}${code ? ` ${code}` : ''}`);
      if (outcome.kind === 'hungUp') {
        // What a 5xx that only the backend's log shows can be traced back to.
        const what = `${c.route}: ${c.note.join('; ').replace(/\d+/g, 'N')}`;
        this.hungUp[what] = (this.hungUp[what] ?? 0) + 1;
      }
    } else if (outcome.kind === 'dropped') {
      note(this.dropped, outcome.reason);
    } else if (outcome.kind === 'silent') {
      note(this.silent, 'no answer in time');
    } else {
      note(this.unsendable, outcome.reason);
    }
  }
}

export interface FuzzReport {
  seed: number;
  count: number;
  seconds: number;
  concurrency: number;
  elapsedMs: number;
  sent: number;
  http: number;
  raw: number;
  classes: Record<string, number>;
  statuses: Record<string, number>;
  /** 5xx answers that reached the fuzz, but for the documented 502s of a refusing core. */
  serverErrors: Trouble;
  /** 502 `core_refused` / `core_unavailable`: the core refused what it was asked (documented). */
  upstreamRefusals: Trouble;
  /** 5xx the backend logged, `METHOD route status` → count: also those whose client had gone. */
  loggedServerErrors: Record<string, number>;
  /** The backend's warn and error log lines, counted. */
  backendProblems: Record<string, number>;
  dropped: Trouble;
  silent: Trouble;
  unsendable: Trouble;
  hungUp: Record<string, number>;
  rssBeforeBytes?: number;
  rssAfterBytes?: number;
  /** Whether the backend process still ran at the end, and what /healthz answered (undefined: nothing). */
  alive: { running: boolean; healthz?: number; exit?: string };
  /** The last lines of the backend's stderr, when it died. */
  backendTail?: string[];
}

/** Logged 5xx other than the documented 502s of a refusing core. */
export function loggedServerErrors(report: FuzzReport): [key: string, count: number][] {
  return Object.entries(report.loggedServerErrors).filter(([key]) => !UPSTREAM_LOGGED.includes(key));
}

export function failed(report: FuzzReport): boolean {
  const logged = loggedServerErrors(report).reduce((a, [, n]) => a + n, 0);
  return report.serverErrors.count > 0 || logged > 0 || !report.alive.running || report.alive.healthz !== 200;
}

const mb = (bytes: number | undefined) => (bytes === undefined ? 'unknown' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function examples(bucket: Trouble): string[] {
  const routes = Object.entries(bucket.byRoute)
    .sort(([, a], [, b]) => b - a)
    .map(([route, n]) => `    ${n} × ${route}`);
  const first = bucket.first.map((e) => `    #${e.index} ${e.request}\n      → ${e.outcome}`);
  return [...routes, ...(first.length ? ['  first ones:', ...first] : [])];
}

export function formatReport(r: FuzzReport): string {
  const logged = loggedServerErrors(r);
  const loggedTotal = logged.reduce((a, [, n]) => a + n, 0);
  const upstreamLogged = Object.entries(r.loggedServerErrors).filter(([key]) => UPSTREAM_LOGGED.includes(key));
  const lines = [
    `fuzzed the backend with seed ${r.seed}: ${r.sent} requests in ${(r.elapsedMs / 1000).toFixed(1)} s (concurrency ${r.concurrency}; limits ${r.count} requests, ${r.seconds} s)`,
    `  ${r.http} over HTTP, ${r.raw} on raw sockets (${Object.values(r.hungUp).reduce((a, b) => a + b, 0)} of them closed by us on purpose)`,
    `answers by class: ${Object.entries(r.classes).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `  by status: ${Object.entries(r.statuses).map(([k, n]) => `${k}×${n}`).join(' ')}`,
    `5xx answers: ${r.serverErrors.count}`,
    ...examples(r.serverErrors),
    `5xx in the backend's log: ${loggedTotal}${loggedTotal > r.serverErrors.count ? ' (more than answered: some clients had gone)' : ''}`,
    ...logged.map(([key, n]) => `    ${n} × ${key}`),
    ...(loggedTotal > r.serverErrors.count
      ? [
          "  the requests we closed on purpose, whose 5xx only the log shows:",
          ...Object.entries(r.hungUp)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([what, n]) => `    ${n} × ${what}`),
        ]
      : []),
    `documented 502s of a refusing core (not counted as 5xx): ${r.upstreamRefusals.count} answered, ${upstreamLogged.reduce((a, [, n]) => a + n, 0)} logged`,
    ...Object.entries(r.upstreamRefusals.byRoute).map(([route, n]) => `    ${n} × ${route}`),
    `backend warn/error log lines: ${Object.values(r.backendProblems).reduce((a, b) => a + b, 0)}`,
    ...Object.entries(r.backendProblems).map(([key, n]) => `    ${n} × ${key}`),
    `connections dropped unexpectedly: ${r.dropped.count}`,
    ...examples(r.dropped),
    `no answer within the time limit: ${r.silent.count}`,
    ...examples(r.silent),
    ...(r.unsendable.count ? [`not sendable (a fuzz bug): ${r.unsendable.count}`, ...examples(r.unsendable)] : []),
    `backend RSS: ${mb(r.rssBeforeBytes)} before, ${mb(r.rssAfterBytes)} after`,
    `backend alive: ${r.alive.running ? 'yes' : `no (${r.alive.exit ?? 'gone'})`}, /healthz ${r.alive.healthz ?? 'did not answer'}`,
    ...(r.backendTail?.length ? ['backend stderr, last lines:', ...r.backendTail.map((l) => `    ${l}`)] : []),
    failed(r) ? 'FAILED: 5xx answers or logged, or the backend died' : 'OK: no 5xx, backend alive',
  ];
  return lines.join('\n');
}
