/**
 * Sending a case and saying what came of it. HTTP cases go through Node's
 * client on a keep-alive agent (as real clients do, so a broken request can
 * also spoil a reused connection); raw cases go to a socket of their own.
 */
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { RawCase } from './raw-cases.ts';
import type { HttpCase } from './route-cases.ts';

export type Outcome =
  /** One or more answers (several for pipelined requests); `error` is the first 5xx's error code. */
  | { kind: 'answered'; statuses: number[]; body: string; error?: string }
  /** The connection ended without an answer where one was due. */
  | { kind: 'dropped'; reason: string }
  /** No answer within the time limit, the connection still open. */
  | { kind: 'silent' }
  /** We closed on purpose; `statuses` are any answers that came first. */
  | { kind: 'hungUp'; statuses: number[] }
  /** Node's client would not send it (a bug in the case, not in the backend). */
  | { kind: 'unsendable'; reason: string };

export interface Target {
  host: string;
  port: number;
  agent: Agent;
}

const HTTP_TIMEOUT_MS = 10_000;

/**
 * Sockets given a listener of their own: when the server answers early and
 * resets while a big body is still being written, Node has already let go of
 * the request, and the socket's write error would otherwise end the fuzz.
 */
const guarded = new WeakSet<object>();
const RAW_QUIET_MS = 2_000;
const KEEP_BODY = 64 * 1024;

function errorCode(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

export function sendHttp(target: Target, c: HttpCase, retryStale = true): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      req?.destroy();
      done({ kind: 'silent' });
    }, HTTP_TIMEOUT_MS);

    let req: ReturnType<typeof request> | undefined;
    try {
      req = request({ host: target.host, port: target.port, agent: target.agent, method: c.method, path: c.path, headers: c.headers });
    } catch (error) {
      done({ kind: 'unsendable', reason: (error as NodeJS.ErrnoException).code ?? String(error) });
      return;
    }
    req.on('socket', (socket) => {
      if (guarded.has(socket)) return;
      guarded.add(socket);
      socket.on('error', () => undefined); // the request, while attached, hears of it too
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const answered = (body: string) => done({ kind: 'answered', statuses: [status], body, ...(status >= 500 ? { error: errorCode(body) } : {}) });
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        // A live stream never ends by itself: its status is the answer.
        res.destroy();
        answered('');
        return;
      }
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < KEEP_BODY) chunks.push(chunk);
        kept += chunk.length;
      });
      res.on('end', () => answered(Buffer.concat(chunks).toString('utf8')));
      res.on('close', () => answered(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      // The server may close an idle keep-alive connection just as we reuse it: not the request's doing.
      if (retryStale && req!.reusedSocket && error.code === 'ECONNRESET') {
        clearTimeout(timer);
        settled = true;
        resolve(sendHttp(target, c, false));
        return;
      }
      done({ kind: 'dropped', reason: error.code ?? error.message });
    });
    req.end(c.body);
  });
}

/** The final statuses (and first 5xx's body) of the HTTP/1.x answers in what a server sent. */
export function parseAnswers(data: Buffer): { statuses: number[]; firstServerError?: string } {
  const text = data.toString('latin1');
  const statuses: number[] = [];
  let firstServerError: string | undefined;
  let at = 0;
  while (at < text.length) {
    const line = /^HTTP\/\d\.\d (\d{3})[^\r\n]*\r\n/.exec(text.slice(at, at + 200));
    const end = text.indexOf('\r\n\r\n', at);
    if (!line || end < 0) break;
    const status = Number(line[1]);
    const headers = text.slice(at, end).toLowerCase();
    at = end + 4;
    if (status >= 100 && status < 200) continue; // interim (100 Continue)
    statuses.push(status);
    const length = /\r\ncontent-length: *(\d+)/.exec(headers)?.[1];
    let body: string;
    if (length !== undefined) {
      body = text.slice(at, at + Number(length));
      at += Number(length);
    } else if (/\r\ntransfer-encoding: *chunked/.test(headers)) {
      body = '';
      for (;;) {
        const sizeEnd = text.indexOf('\r\n', at);
        const size = parseInt(text.slice(at, sizeEnd), 16);
        if (sizeEnd < 0 || Number.isNaN(size)) return { statuses, firstServerError };
        body += text.slice(sizeEnd + 2, sizeEnd + 2 + size);
        at = sizeEnd + 2 + size + 2;
        if (size === 0) break;
      }
    } else {
      body = text.slice(at);
      at = text.length;
    }
    if (status >= 500 && firstServerError === undefined) firstServerError = errorCode(body) ?? body.slice(0, 80);
  }
  return { statuses, firstServerError };
}

export function sendRaw(target: Target, c: RawCase): Promise<Outcome> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let closed = false;
    let reset = false;
    let quiet: NodeJS.Timeout | undefined;
    const socket = connect(target.port, target.host);
    socket.setNoDelay(true);

    let finished = false;
    const answers = () => parseAnswers(Buffer.concat(received));
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(quiet);
      clearTimeout(cap);
      socket.destroy();
      const { statuses, firstServerError } = answers();
      if (c.then === 'hangUp') resolve({ kind: 'hungUp', statuses });
      else if (statuses.length) resolve({ kind: 'answered', statuses, body: '', error: firstServerError });
      else if (closed && c.then === 'answerOrReset' && reset) resolve({ kind: 'hungUp', statuses });
      else if (closed) resolve({ kind: 'dropped', reason: reset ? 'reset without an answer' : 'closed without an answer' });
      else resolve({ kind: 'silent' });
    };
    const waitQuiet = () => {
      clearTimeout(quiet);
      quiet = setTimeout(finish, RAW_QUIET_MS);
    };
    const cap = setTimeout(finish, 15_000);

    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (c.then !== 'hangUp') waitQuiet();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        finished = true;
        clearTimeout(cap);
        resolve({ kind: 'dropped', reason: 'connection refused' });
        return;
      }
      reset = true;
    });
    socket.on('close', () => {
      closed = true;
      if (c.then !== 'hangUp') finish();
    });
    socket.on('connect', async () => {
      for (const step of c.steps) {
        if (closed) break;
        if (typeof step === 'number') await new Promise((r) => setTimeout(r, step));
        else if (!socket.write(step)) await new Promise((r) => socket.once('drain', r).once('close', r));
      }
      if (c.then === 'hangUp') finish();
      else if (!closed) waitQuiet();
    });
  });
}

export function newTarget(url: string, concurrency: number): Target {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port), agent: new Agent({ keepAlive: true, maxSockets: concurrency }) };
}
