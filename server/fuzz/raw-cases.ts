/**
 * Abuse below what an HTTP client lets one send, written to a raw socket:
 * bodies cut off mid-way, connections closed mid-headers, Content-Length
 * lies, broken chunking, request smuggling shapes, junk request lines, huge
 * header blocks, pipelining, a request trickled in slowly.
 */
import type { LivePool } from './live-pool.ts';
import { nastyString } from './mutate.ts';
import type { Random } from './random.ts';
import type { CaseContext } from './route-cases.ts';

export interface RawCase {
  kind: 'raw';
  route: string;
  note: string[];
  /** What is written, in order; a number is a pause in milliseconds. */
  steps: (Buffer | number)[];
  /**
   * `answer`: read answers until the server closes or goes quiet; closing without one is a drop.
   * `answerOrReset`: the same, but a reset is fair: the server refuses mid-way while we still write
   * (an oversized header block), and TCP may then lose its answer.
   * `hangUp`: close after the last step; no answer expected.
   */
  then: 'answer' | 'answerOrReset' | 'hangUp';
}

type Header = [name: string, value: string];

function head(method: string, target: string, headers: Header[], version = 'HTTP/1.1'): Buffer {
  return Buffer.from(`${method} ${target} ${version}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`, 'latin1');
}

const HOST: Header = ['Host', '127.0.0.1'];
const CLOSE: Header = ['Connection', 'close'];

/** A valid POST to one of the body-taking routes, as target, headers (without length) and body. */
async function validPost(random: Random, { pool, tokens, site, coreAuthorization }: CaseContext): Promise<{ route: string; target: string; headers: Header[]; body: Buffer }> {
  switch (random.int(4)) {
    case 0:
      return {
        route: 'POST /attributes/:attr_id',
        target: `/attributes/${pool.attrId(random)}`,
        headers: [HOST, ['Content-Type', 'application/jwt']],
        body: Buffer.from(await tokens.reusable(random)),
      };
    case 1:
      return {
        route: 'POST /sessions',
        target: '/sessions',
        headers: [HOST, ['Content-Type', 'application/json'], ['Origin', site]],
        body: Buffer.from(JSON.stringify({ purpose: 'report_move', auth_method: 'irma' })),
      };
    case 2:
      return {
        route: 'POST /start_communication',
        target: '/start_communication',
        headers: [HOST, ['Content-Type', 'application/json'], ['Authorization', coreAuthorization]],
        body: Buffer.from(JSON.stringify({ purpose: 'report_move', auth_result: await tokens.reusable(random) })),
      };
    default:
      return {
        route: 'POST /sessions/attach',
        target: '/sessions/attach',
        headers: [HOST, ['Content-Type', 'application/json'], ['Origin', site]],
        body: Buffer.from(JSON.stringify({ reference: pool.reference(random), result: await tokens.reusable(random) })),
      };
  }
}

function eventsTarget(random: Random, pool: LivePool): string {
  const { id, token } = pool.stream(random);
  return `/sessions/${id}/events?token=${token}`;
}

function chunked(body: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const chunk = body.subarray(at, at + size);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  return Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]);
}

type Maker = (random: Random, ctx: CaseContext) => Promise<RawCase>;

const MAKERS: Maker[] = [
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    const cut = random.int(post.body.length);
    return {
      kind: 'raw',
      route: post.route,
      note: [`body cut off after ${cut} of ${post.body.length} bytes, then the connection closed`],
      steps: [head('POST', post.target, [...post.headers, ['Content-Length', String(post.body.length)]]), post.body.subarray(0, cut), random.int(50)],
      then: 'hangUp',
    };
  },
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    const whole = head('POST', post.target, [...post.headers, ['Content-Length', String(post.body.length)]]);
    const cut = random.between(1, whole.length - 1);
    return { kind: 'raw', route: post.route, note: [`connection closed mid-headers, after ${cut} bytes`], steps: [whole.subarray(0, cut)], then: 'hangUp' };
  },
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    const extra = random.pick([1, 100, 100_000]);
    return {
      kind: 'raw',
      route: post.route,
      note: [`Content-Length ${extra} more than the body, then silence and close`],
      steps: [head('POST', post.target, [...post.headers, ['Content-Length', String(post.body.length + extra)]]), post.body, random.between(20, 200)],
      then: 'hangUp',
    };
  },
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    const short = random.int(post.body.length);
    return {
      kind: 'raw',
      route: post.route,
      note: [`Content-Length ${short}, body ${post.body.length} bytes (the rest reads as the next request)`],
      steps: [head('POST', post.target, [...post.headers, ['Content-Length', String(short)], CLOSE]), post.body],
      then: 'answer',
    };
  },
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    const lengths: Header[][] = [
      [['Content-Length', random.pick(['abc', '-1', '1e3', ' 10 ', '0x10', '+5', '99999999999999999999', ''])]],
      [['Content-Length', String(post.body.length)], ['Content-Length', String(post.body.length + 1)]],
      [['Content-Length', `${post.body.length}, ${post.body.length}`]],
    ];
    const chosen = random.pick(lengths);
    return {
      kind: 'raw',
      route: post.route,
      note: [`Content-Length: ${chosen.map(([, v]) => v).join(' / ').slice(0, 40)}`],
      steps: [head('POST', post.target, [...post.headers, ...chosen, CLOSE]), post.body],
      then: 'answer',
    };
  },
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    const te = random.pick(['chunked', 'chunked, identity', 'identity', 'gzip, chunked', ' chunked', 'CHUNKED', 'xchunked']);
    return {
      kind: 'raw',
      route: post.route,
      note: [`Transfer-Encoding: ${te} with Content-Length`],
      steps: [head('POST', post.target, [...post.headers, ['Transfer-Encoding', te], ['Content-Length', String(post.body.length)], CLOSE]), chunked(post.body, 64)],
      then: 'answer',
    };
  },
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    const body = chunked(post.body, random.between(1, 512));
    const broken = random.int(5);
    const oversized = chunked(Buffer.alloc(random.pick([16 * 1024 + 1, 100_000, 2_000_000]), 'a'), 4096);
    const variants: [string, Buffer, RawCase['then']][] = [
      ['valid chunked body', body, 'answer'],
      // No Content-Length to refuse early on: the size limit must hold while reading.
      [`oversized chunked body (${oversized.length} bytes)`, oversized, 'answerOrReset'],
      ['chunk size not hex', Buffer.concat([Buffer.from('zz\r\n'), post.body, Buffer.from('\r\n0\r\n\r\n')]), 'answer'],
      ['chunk larger than said', Buffer.concat([Buffer.from('2\r\n'), post.body, Buffer.from('\r\n0\r\n\r\n')]), 'answer'],
      ['chunked body without its last chunk, then close', body.subarray(0, body.length - 5), 'hangUp'],
    ];
    const [note, bytes, then] = variants[broken]!;
    return {
      kind: 'raw',
      route: post.route,
      note: [note],
      steps: [head('POST', post.target, [...post.headers, ['Transfer-Encoding', 'chunked'], CLOSE]), bytes, ...(then === 'hangUp' ? [50] : [])],
      then,
    };
  },
  async (random) => {
    const size = random.pick([17_000, 70_000, 1_000_000]);
    return {
      kind: 'raw',
      route: 'GET /healthz',
      note: [`header block of ${size} bytes`],
      steps: [head('GET', '/healthz', [HOST, CLOSE, ['X-Fuzz', 'a'.repeat(size)]])],
      then: 'answerOrReset',
    };
  },
  async (random) => {
    const count = random.pick([1_000, 3_000, 10_000]);
    const many = Array.from({ length: count }, (_, i): Header => [`X-${i}`, 'a']);
    return { kind: 'raw', route: 'GET /healthz', note: [`${count} headers`], steps: [head('GET', '/healthz', [HOST, CLOSE, ...many])], then: 'answerOrReset' };
  },
  async (random) => {
    const lines = [
      () => random.bytes(random.between(1, 300)),
      () => Buffer.from(`GET /healthz HTTP/${random.pick(['9.9', '1.2', '0.9', '1', 'x'])}\r\nHost: x\r\n\r\n`),
      () => Buffer.from('GET\r\n\r\n'),
      () => Buffer.from(`${random.pick(['G ET', 'GE\u0000T', 'get', 'GET GET'])} /healthz HTTP/1.1\r\nHost: x\r\n\r\n`, 'latin1'),
      () => Buffer.from(`GET /${nastyString(random)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'latin1'),
      () => Buffer.concat([Buffer.from('GET /sessions/'), random.bytes(20), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]),
      () => Buffer.from('GET http://evil.example/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      () => Buffer.from('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      () => Buffer.from('CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'),
      () => Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
      () => Buffer.from(`GET /${'a'.repeat(random.pick([10_000, 20_000, 100_000]))} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      () => Buffer.from('\r\n\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ];
    const pick = random.int(lines.length);
    // The long request line overflows the header limit like the header blocks above.
    return { kind: 'raw', route: 'request line', note: [`junk request line #${pick}`], steps: [lines[pick]!()], then: pick === 10 ? 'answerOrReset' : 'answer' };
  },
  async (random) => {
    const bad = random.pick([
      'NoColonHere\r\n',
      'Bad Name: x\r\n',
      ': no name\r\n',
      'X-Folded: a\r\n  continued\r\n',
      'X-Nul: a\u0000b\r\n',
      `X-Bytes: ${Buffer.from(random.bytes(30)).toString('latin1').replace(/[\r\n]/g, '')}\r\n`,
      'Content-Type: application/json\r\nContent-Type: application/jwt\r\n',
      'Host: a\r\nHost: b\r\n',
      'X-Bare-LF: a\nX-Other: b\r\n',
    ]);
    return {
      kind: 'raw',
      route: 'GET /healthz',
      note: [`malformed header line ${JSON.stringify(bad.slice(0, 30))}`],
      steps: [Buffer.from(`GET /healthz HTTP/1.1\r\nHost: x\r\n${bad}Connection: close\r\n\r\n`, 'latin1')],
      then: 'answer',
    };
  },
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    const one = Buffer.concat([head('POST', post.target, [...post.headers, ['Content-Length', String(post.body.length)]]), post.body]);
    const requests = Array.from({ length: random.between(2, 6) }, () => (random.chance(0.7) ? one : head('GET', '/healthz', [HOST])));
    return {
      kind: 'raw',
      route: post.route,
      note: [`${requests.length} requests pipelined, then junk`],
      steps: [Buffer.concat([...requests, Buffer.from(`${nastyString(random)}\r\n\r\n`, 'latin1')])],
      then: 'answer',
    };
  },
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    const whole = Buffer.concat([head('POST', post.target, [...post.headers, ['Content-Length', String(post.body.length)], CLOSE]), post.body]);
    const steps: (Buffer | number)[] = [];
    for (let at = 0; at < whole.length; ) {
      const size = random.between(1, Math.max(1, Math.ceil(whole.length / 8)));
      steps.push(whole.subarray(at, at + size), random.between(5, 60));
      at += size;
    }
    return { kind: 'raw', route: post.route, note: ['request trickled in, in pieces with pauses'], steps, then: 'answer' };
  },
  async (random) => ({
    kind: 'raw',
    route: 'GET /healthz',
    note: ['HTTP/1.0 without Host'],
    steps: [Buffer.from(`GET ${random.pick(['/healthz', '/session_options/report_move', '/widget.js'])} HTTP/1.0\r\n\r\n`)],
    then: 'answer',
  }),
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    return {
      kind: 'raw',
      route: post.route,
      note: ['Expect: 100-continue'],
      steps: [head('POST', post.target, [...post.headers, ['Content-Length', String(post.body.length)], ['Expect', random.pick(['100-continue', 'nonsense'])], CLOSE]), 30, post.body],
      then: 'answer',
    };
  },
  async (random, { pool }) => ({
    kind: 'raw',
    route: 'GET /sessions/:id/events',
    note: ['event stream opened, dropped after a moment'],
    steps: [head('GET', eventsTarget(random, pool), [HOST, ['Accept', 'text/event-stream']]), random.between(0, 100)],
    then: 'hangUp',
  }),
  async (random, ctx) => {
    const post = await validPost(random, ctx);
    return {
      kind: 'raw',
      route: post.route,
      note: ['whole request sent, connection closed before the answer'],
      steps: [Buffer.concat([head('POST', post.target, [...post.headers, ['Content-Length', String(post.body.length)]]), post.body])],
      then: 'hangUp',
    };
  },
];

export function rawCase(random: Random, ctx: CaseContext): Promise<RawCase> {
  return random.pick(MAKERS)(random, ctx);
}
