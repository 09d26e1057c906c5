/**
 * HTTP requests for every route of the backend: first the valid request, as
 * the widget, the core or an auth plugin would send it (aimed at real
 * sessions from the pool), then, mostly, one to three mutations of its
 * method, path, headers or body. An unmutated request keeps the pool filled
 * and the happy paths under load.
 */
import { headerJunk, METHODS, mutateBytes, mutateObject, mutatePath, mutateString, mutateToken, encodeJunk, percentEncode } from './mutate.ts';
import type { LivePool } from './live-pool.ts';
import type { Random } from './random.ts';
import type { ResultTokens } from './result-tokens.ts';
import { ALLOWED_STARTS, PURPOSES } from './stand-ins.ts';
import type { FuzzTickets } from './tickets.ts';

export interface HttpCase {
  kind: 'http';
  /** The route aimed at, as a pattern: what the report groups by. */
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was done to the valid request. */
  note: string[];
  /** Learns ids from the answer to a valid request. */
  harvest?: (status: number, body: string) => void;
}

export interface CaseContext {
  pool: LivePool;
  tokens: ResultTokens;
  /** The site allowed to embed the widget (IDC_ALLOWED_ORIGINS). */
  site: string;
  /** `Basic …` for /start_communication (IDC_PLUGIN_AUTH). */
  coreAuthorization: string;
  /** Guest and host tickets of a few conversations (the backend has IDC_TICKET_SECRET). */
  tickets: FuzzTickets;
  /** The employee console's origin (IDC_AGENT_ORIGINS). */
  agentConsole: string;
}

/** A request before it is sent: the body still as JSON or token text, so it can be mutated as such. */
interface Draft extends Omit<HttpCase, 'kind' | 'body'> {
  json?: unknown;
  token?: string;
  /** Where the token goes: the body (attr_url) or `?result=` (return page). */
  tokenIn?: 'body' | 'query';
  body?: Buffer;
}

type Baseline = (random: Random, ctx: CaseContext) => Promise<Draft>;

const json = { 'Content-Type': 'application/json' };

const BASELINES: [weight: number, baseline: Baseline][] = [
  [2, async () => ({ route: 'GET /healthz', method: 'GET', path: '/healthz', headers: {}, note: [] })],
  [
    6,
    async (random, ctx) => ({
      route: 'GET /session_options/:purpose',
      method: 'GET',
      path: `/session_options/${random.chance(0.8) ? random.pick(PURPOSES) : encodeJunk(random)}`,
      headers: { Origin: ctx.site },
      note: [],
    }),
  ],
  [
    3,
    async (random, { site }) => ({
      route: 'OPTIONS /sessions (preflight)',
      method: 'OPTIONS',
      path: random.pick(['/sessions', '/sessions/attach', '/session_options/report_move', '/sessions/x/activity', '/sessions/x/status', '/requests/current', '/requests/x/decline']),
      headers: { Origin: site, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,authorization' },
      note: [],
    }),
  ],
  [
    10,
    async (random, ctx) => {
      const { pool, site } = ctx;
      const [purpose, authMethod] = random.pick(ALLOWED_STARTS);
      return {
        route: 'POST /sessions',
        method: 'POST',
        path: '/sessions',
        headers: { ...json, Origin: site },
        json: {
          purpose,
          auth_method: authMethod,
          ...(random.chance(0.5) ? { return_url: `${site}/chat?x=1#y` } : {}),
          ticket: ctx.tickets.guest(random),
        },
        note: [],
        harvest: (status, body) => status === 201 && pool.learnStream(body),
      };
    },
  ],
  [
    8,
    async (random, { pool, tokens, site, tickets }) => ({
      route: 'POST /sessions/attach',
      method: 'POST',
      path: '/sessions/attach',
      headers: { ...json, Origin: site },
      json: {
        reference: pool.reference(random),
        ...(random.chance(0.3) ? { result: await tokens.reusable(random) } : {}),
        ticket: tickets.guest(random),
      },
      note: [],
      harvest: (status, body) => status === 200 && pool.learnStream(body),
    }),
  ],
  [
    8,
    async (random, { pool }) => {
      const { id, token } = pool.stream(random);
      return {
        route: 'GET /sessions/:id/events',
        method: 'GET',
        path: `/sessions/${id}/events?token=${token}`,
        headers: { Accept: 'text/event-stream', ...(random.chance(0.3) ? { 'Last-Event-ID': random.pick(['1', '2', '0', '3']) } : {}) },
        note: [],
      };
    },
  ],
  [
    7,
    async (random, { pool, site }) => {
      const { id, token } = pool.stream(random);
      const action = random.chance(0.8) ? 'activity' : 'logout';
      return {
        route: `POST /sessions/:id/${action}`,
        method: 'POST',
        path: `/sessions/${id}/${action}`,
        headers: { Authorization: `Bearer ${token}`, Origin: site },
        note: [],
      };
    },
  ],
  [
    10,
    async (random, { pool, tokens, coreAuthorization }) => ({
      route: 'POST /start_communication',
      method: 'POST',
      path: '/start_communication',
      headers: { ...json, Authorization: coreAuthorization },
      json: { purpose: random.pick(PURPOSES), ...(random.chance(0.2) ? { auth_result: await tokens.reusable(random) } : {}) },
      note: [],
      harvest: (status, body) => status === 200 && pool.learnChat(body),
    }),
  ],
  [
    16,
    async (random, { pool, tokens }) => ({
      route: 'POST /attributes/:attr_id',
      method: 'POST',
      path: `/attributes/${pool.attrId(random)}`,
      headers: { 'Content-Type': 'application/jwt' },
      token: random.chance(0.3) ? await tokens.valid(random) : await tokens.reusable(random),
      tokenIn: 'body',
      note: [],
    }),
  ],
  [
    10,
    async (random, { pool, tokens }) => ({
      route: 'GET /return/:session_id',
      method: 'GET',
      path: `/return/${pool.sessionId(random)}`,
      headers: random.chance(0.5) ? { 'Accept-Language': random.pick(['en-GB,en;q=0.9', 'nl', '*', '']) } : ({} as Record<string, string>),
      ...(random.chance(0.7) ? { token: await tokens.reusable(random), tokenIn: 'query' as const } : {}),
      note: [],
    }),
  ],
  [
    4,
    async (random, { pool }) => {
      const { id, token } = pool.stream(random);
      return {
        route: 'GET /sessions/:id/status',
        method: 'GET',
        path: `/sessions/${id}/status`,
        headers: { Authorization: `Bearer ${token}` },
        note: [],
      };
    },
  ],
  [
    5,
    async (random, { pool, tickets, agentConsole }) => ({
      route: 'POST /agent/requests',
      method: 'POST',
      path: '/agent/requests',
      headers: { ...json, Authorization: `Bearer ${tickets.host(random)}`, Origin: agentConsole },
      json: { purpose: random.chance(0.9) ? random.pick(PURPOSES) : random.string(random.between(1, 120)) },
      note: [],
      harvest: (status, body) => status === 201 && pool.learnRequest(body),
    }),
  ],
  [
    5,
    async (random, { tickets, agentConsole }) => {
      const [method, path] = random.pick([
        ['GET', '/agent/identities'],
        ['GET', '/agent/requests'],
        ['GET', '/agent/events'],
        ['GET', '/agent/identities'],
        ['DELETE', '/agent/identities'],
      ] as const);
      return {
        route: `${method} ${path}`,
        method,
        path,
        headers: { Authorization: `Bearer ${tickets.host(random)}`, ...(random.chance(0.7) ? { Origin: agentConsole } : {}) },
        note: [],
      };
    },
  ],
  [
    6,
    async (random, { pool, tickets, site }) => {
      const kind = random.pick(['current', 'events', 'decline'] as const);
      const path = kind === 'decline' ? `/requests/${pool.requestId(random)}/decline` : `/requests/${kind}`;
      return {
        route: kind === 'decline' ? 'POST /requests/:id/decline' : `GET /requests/${kind}`,
        method: kind === 'decline' ? 'POST' : 'GET',
        path,
        headers: { Authorization: `Bearer ${tickets.guest(random)}`, Origin: site },
        note: [],
      };
    },
  ],
  [2, async (random) => ({ route: 'GET /widget.js', method: 'GET', path: random.pick(['/widget.js', '/widget.iife.js']), headers: {}, note: [] })],
  [
    6,
    async (random) => {
      const segments = Array.from({ length: random.between(0, 6) }, () => (random.chance(0.5) ? random.string(random.between(1, 20)) : encodeJunk(random)));
      return { route: 'any other path', method: random.pick(METHODS), path: `/${segments.join('/')}`, headers: {}, note: [] };
    },
  ],
];

const TOTAL_WEIGHT = BASELINES.reduce((sum, [weight]) => sum + weight, 0);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'text/plain',
  'application/jwt',
  'application/jwt; charset=latin1',
  'Application/JWT',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/json, text/plain',
  ';',
  'application/',
];

/** Origins that are almost, or not at all, the allowed site. */
const originsLike = (site: string) => ['https://evil.example', 'null', `${site}.evil.example`, site.replace('https:', 'http:'), `${site}:443`, `${site}/`, site.toUpperCase(), ''];

/** One mutation of a draft; returns what it did, for the report. */
function mutateDraft(random: Random, draft: Draft, ctx: CaseContext): Promise<string> | string {
  switch (random.int(7)) {
    case 0:
      draft.method = random.pick(METHODS);
      return `method ${draft.method}`;
    case 1:
      draft.path = mutatePath(random, draft.path);
      return 'path';
    case 2:
      return mutateHeaders(random, draft, ctx.site);
    case 3:
    case 4:
    case 5:
      return mutateBody(random, draft, ctx);
    default: {
      // Another session's id with this one's token, or the other way round.
      const other = ctx.pool.stream(random);
      draft.path = draft.path.replace(/\/(sessions|return|attributes)\/[^/?]+/, `/$1/${other.id}`);
      return 'id of another session';
    }
  }
}

function mutateHeaders(random: Random, draft: Draft, site: string): string {
  const names = Object.keys(draft.headers);
  switch (random.int(9)) {
    case 0: {
      if (!names.length) return 'no header to drop';
      const name = random.pick(names);
      delete draft.headers[name];
      return `no ${name}`;
    }
    case 1:
      draft.headers['Content-Type'] = random.chance(0.8) ? random.pick(CONTENT_TYPES) : headerJunk(random);
      return `Content-Type: ${draft.headers['Content-Type'].slice(0, 40)}`;
    case 2:
      draft.headers.Origin = random.chance(0.8) ? random.pick(originsLike(site)) : headerJunk(random);
      return `Origin: ${draft.headers.Origin.slice(0, 40)}`;
    case 3: {
      const auth = draft.headers.Authorization ?? 'Bearer x';
      draft.headers.Authorization = random.pick([
        () => mutateString(random, auth).replace(/[^\t\x20-\x7e]/g, '?'),
        () => `Basic ${Buffer.from(headerJunk(random)).toString('base64')}`,
        () => `Basic ${headerJunk(random)}`,
        () => `Bearer ${headerJunk(random)}`,
        () => random.pick(['Bearer', 'Basic', 'Bearer  ', 'bearer x', 'Digest x', '']),
        () => `${auth}, ${auth}`,
      ])();
      return `Authorization: ${draft.headers.Authorization.slice(0, 40)}`;
    }
    case 4:
      draft.headers['Last-Event-ID'] = random.chance(0.5) ? random.pick(['2', '-1', '2.0', ' 2', '99999999999999999999']) : headerJunk(random);
      return 'Last-Event-ID junk';
    case 5:
      draft.headers.Host = random.pick(['', 'a b', 'exa mple.com', '[::1', 'x:99999', '127.0.0.1:0', 'évil.example', '%00', 'x'.repeat(300), '[', '@', 'a:b:c']);
      return `Host: ${draft.headers.Host.slice(0, 40)}`;
    case 6: {
      // Over or under Node's 16 KB header limit.
      const size = random.pick([4_000, 15_000, 16_500, 40_000]);
      draft.headers[random.pick(['X-Fuzz', 'Cookie', 'Authorization', 'Origin', 'Accept-Language', 'Content-Type'])] = 'a'.repeat(size);
      return `a ${size}-byte header`;
    }
    case 7: {
      const count = random.between(10, 500);
      for (let i = 0; i < count; i++) draft.headers[`X-Fuzz-${i}`] = random.string(random.between(0, 30));
      return `${count} extra headers`;
    }
    default:
      draft.headers[random.pick(['Accept', 'Accept-Encoding', 'Transfer-Encoding', 'Connection', 'Range', 'If-None-Match', 'X-Forwarded-Host', 'Forwarded'])] = headerJunk(random);
      return 'odd header';
  }
}

async function mutateBody(random: Random, draft: Draft, { tokens }: CaseContext): Promise<string> {
  if (draft.token !== undefined) {
    if (random.chance(0.3)) {
      draft.token = await tokens.crafted(random);
      return 'crafted token (wrong inside, real crypto)';
    }
    draft.token = mutateToken(random, draft.token, random.chance(0.3) ? await tokens.reusable(random) : undefined);
    return 'token mutated';
  }
  if (draft.json !== undefined && random.chance(0.7)) {
    draft.json = mutateObject(random, draft.json as Record<string, unknown>);
    return 'JSON mutated';
  }
  const roll = random.int(4);
  if (roll === 0) {
    draft.body = random.bytes(random.length());
    delete draft.json;
    return `random body (${draft.body.length} bytes)`;
  }
  if (roll === 1) {
    draft.body = Buffer.alloc(random.pick([16 * 1024 + 1, 100_000, 1_000_000, 5_000_000]), random.pick(['a', '{', '[', ' ']));
    delete draft.json;
    return `oversized body (${draft.body.length} bytes)`;
  }
  if (roll === 2) {
    draft.body = Buffer.alloc(0);
    delete draft.json;
    return 'empty body';
  }
  const base = draft.json !== undefined ? serialise(draft.json) : Buffer.from('{}');
  draft.body = mutateBytes(random, base);
  delete draft.json;
  return 'body bytes mutated';
}

function serialise(value: unknown): Buffer {
  try {
    return Buffer.from(JSON.stringify(value) ?? 'null');
  } catch {
    return Buffer.from('['); // too deep even to write down
  }
}

function finish(draft: Draft): HttpCase {
  let { path, body } = draft;
  if (draft.json !== undefined) body = serialise(draft.json);
  if (draft.token !== undefined) {
    if (draft.tokenIn === 'query') path += `${path.includes('?') ? '&' : '?'}result=${percentEncode(draft.token)}`;
    else body = Buffer.from(draft.token);
  }
  return { kind: 'http', route: draft.route, method: draft.method, path, headers: draft.headers, body, note: draft.note, harvest: draft.harvest };
}

/** A valid request to a route chosen by weight, mutated three times in four. */
export async function httpCase(random: Random, ctx: CaseContext): Promise<HttpCase> {
  let roll = random.int(TOTAL_WEIGHT);
  const [, baseline] = BASELINES.find(([weight]) => (roll -= weight) < 0)!;
  const draft = await baseline(random, ctx);
  if (random.chance(0.75)) {
    for (let n = random.between(1, 3); n > 0; n--) draft.note.push(await mutateDraft(random, draft, ctx));
    // A mutated request teaches nothing reliable about live sessions.
    delete draft.harvest;
  }
  return finish(draft);
}

/** An unmutated valid request of one kind, to fill the pool before the run. */
export async function validCase(
  random: Random,
  ctx: CaseContext,
  route: 'POST /sessions' | 'POST /start_communication' | 'POST /sessions/attach' | 'POST /agent/requests',
): Promise<HttpCase> {
  for (;;) {
    const [, baseline] = random.pick(BASELINES);
    const draft = await baseline(random, ctx);
    if (draft.route === route) return finish(draft);
  }
}
