/**
 * A FIXTURE OF THE AGENT WIRE FORMAT, not the backend: a small real HTTP
 * server on an ephemeral loopback port that speaks what `<id-contact-agent>`
 * expects from the backend's agent routes, so the element can be tested in
 * Chromium before (and independently of) the real routes. Tests drive it
 * through the stack plugin's `agent-*` commands.
 *
 * - `GET /agent/events` with `Authorization: Bearer <ticket>` →
 *   `text/event-stream`: one `event: identity` (`id: <n>`, `data: <identity>`)
 *   per current identity at connect, then one per change; `: heartbeat`
 *   comments; `event: ticket_expired` `data: {}` and the end of the stream
 *   when the ticket expires. `Last-Event-ID` is recorded and otherwise
 *   ignored: every connect gets the full snapshot again, as the real server
 *   may do.
 * - `DELETE /agent/identities` → 204: every identity becomes `forgotten`
 *   (attributes gone), which the streams then show.
 * - `GET /agent/identities` → `{conversation, identities}`.
 * - `event: request` (`data: {request}`): the conversation's request to
 *   verify, at connect when it has one, then on every change.
 * - `POST /agent/requests` `{purpose}` → as the backend (server/src/protocol.ts):
 *   201 with the new pending request (and its `request` event); 409
 *   `request_pending` while one is pending; 400 `unknown_purpose` for a
 *   purpose the fixture's core does not know (KNOWN_PURPOSES); 400
 *   `invalid_request` for a body without one. `behave({ask})` makes it answer
 *   429, 500, hang, or drop the connection (`network`).
 * - A refused ticket: 401 `{"error": code, "message"}`; no Bearer: 401
 *   `ticket_required`.
 * - CORS for the test page's origins, allowing `Authorization`,
 *   `Content-Type` and `Last-Event-ID`, `DELETE` and `POST`.
 *
 * Each ticket is its own conversation, made on first use; tests use a fresh
 * ticket each, so nothing leaks between them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Identity, VerificationRequest } from '../../src/shared/wire.ts';

/** The purposes the fixture's core knows, and its names for those that have one. */
export const KNOWN_PURPOSES: Record<string, string | undefined> = {
  report_move: undefined,
  personal_question: 'Persoonlijke vraag',
  request_permit: undefined,
};
/** How long a request made through the fixture stays pending. */
export const REQUEST_TTL_MS = 300_000;

/** What a test pushes: `updated_at` defaults to now. */
export type IdentityInput = Omit<Identity, 'updated_at'> & { updated_at?: string };

/** How the fixture answers a conversation's requests. */
export interface AgentBehaviour {
  /** `GET /agent/events`: `ok` (default), `hang` (never answer), or an HTTP status to answer with. */
  events?: 'ok' | 'hang' | number;
  /** `DELETE /agent/identities`: 204 (default), `hang`, or another status. */
  forget?: number | 'hang';
  /** A refusal (401 with this code) for every request of the conversation. */
  refuse?: 'ticket_expired' | 'invalid_ticket' | 'ticket_required' | null;
  /**
   * `POST /agent/requests`: as the backend (default), `hang`, `network` (connection dropped), or a
   * status to fail with (409 as `request_pending`: one pending that the element has not heard of).
   */
  ask?: 'ok' | 'hang' | 'network' | number;
}

export interface AgentLog {
  /** Every `GET /agent/events`, in order. */
  connections: { authorization: string | null; lastEventId: string | null }[];
  /** Every `DELETE /agent/identities`. */
  forgets: { authorization: string | null }[];
  /** Every `POST /agent/requests`: its Authorization, Content-Type and body as received. */
  asks: { authorization: string | null; contentType: string | null; body: string }[];
  /** Streams open now. */
  open: number;
}

interface Conversation {
  identities: Map<string, { identity: Identity; eventId: number }>;
  request: VerificationRequest | null;
  lastId: number;
  streams: Set<ServerResponse>;
  behaviour: AgentBehaviour;
  log: Omit<AgentLog, 'open'>;
}

export interface AgentFeedFixture {
  url: string;
  push(ticket: string, identity: IdentityInput): void;
  /** Sets the conversation's request (or changes its status) and streams it. */
  setRequest(ticket: string, request: VerificationRequest | null): void;
  /** The conversation's request as the fixture has it. */
  request(ticket: string): VerificationRequest | null;
  /** Sends `: heartbeat` on the conversation's streams. */
  heartbeat(ticket: string): void;
  /** Ends the conversation's streams without `ticket_expired`. */
  end(ticket: string): void;
  /** Sends `ticket_expired`, ends the streams, and refuses the ticket from now on. */
  expire(ticket: string): void;
  behave(ticket: string, behaviour: AgentBehaviour): void;
  log(ticket: string): AgentLog;
  close(): Promise<void>;
}

const MESSAGES: Record<string, string> = {
  ticket_expired: 'the host ticket has expired',
  invalid_ticket: 'the host ticket is not valid',
  ticket_required: 'an Authorization: Bearer host ticket is required',
};

export async function startAgentFeedFixture(allowedOrigins: string[], heartbeatMs = 15_000): Promise<AgentFeedFixture> {
  const conversations = new Map<string, Conversation>();
  const conversation = (ticket: string): Conversation => {
    let found = conversations.get(ticket);
    if (!found) {
      found = {
        identities: new Map(),
        request: null,
        lastId: 0,
        streams: new Set(),
        behaviour: {},
        log: { connections: [], forgets: [], asks: [] },
      };
      conversations.set(ticket, found);
    }
    return found;
  };

  const frame = (entry: { identity: Identity; eventId: number }) =>
    `event: identity\nid: ${entry.eventId}\ndata: ${JSON.stringify(entry.identity)}\n\n`;
  const broadcast = (c: Conversation, text: string) => {
    for (const stream of c.streams) stream.write(text);
  };
  const requestFrame = (c: Conversation) => `event: request\nid: ${++c.lastId}\ndata: ${JSON.stringify({ request: c.request })}\n\n`;
  const setRequest = (c: Conversation, request: VerificationRequest | null) => {
    c.request = request;
    broadcast(c, requestFrame(c));
  };
  let requests = 0;
  const newRequest = (purpose: string): VerificationRequest => {
    const now = Date.now();
    const name = KNOWN_PURPOSES[purpose];
    return {
      id: `request-${++requests}`,
      purpose,
      ...(name ? { purpose_name: name } : {}),
      status: 'pending',
      expires_at: new Date(now + REQUEST_TTL_MS).toISOString(),
      updated_at: new Date(now).toISOString(),
    };
  };
  const store = (c: Conversation, identity: Identity) => {
    const entry = { identity, eventId: ++c.lastId };
    // A new version replaces the old in place: the snapshot keeps first-seen order.
    c.identities.set(identity.id, entry);
    broadcast(c, frame(entry));
  };

  const cors = (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, code: string) => json(res, 401, { error: code, message: MESSAGES[code] ?? code });

  const server = createServer((req, res) => {
    cors(req, res);
    const path = new URL(req.url ?? '/', 'http://fixture').pathname;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, DELETE, POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID',
        'Access-Control-Max-Age': '600',
      });
      return res.end();
    }
    const authorization = req.headers.authorization ?? null;
    const ticket = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const c = ticket ? conversation(ticket) : undefined;

    if (req.method === 'GET' && path === '/agent/events') {
      c?.log.connections.push({ authorization, lastEventId: (req.headers['last-event-id'] as string | undefined) ?? null });
      if (!c) return refuse(res, 'ticket_required');
      const { events = 'ok', refuse: code } = c.behaviour;
      if (code) return refuse(res, code);
      if (events === 'hang') return; // never answers; the element's silence timer or the test ends it
      if (events !== 'ok') return json(res, events, { error: 'unavailable', message: 'the fixture was told to fail' });
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
      res.write(': connected\n\n');
      for (const entry of c.identities.values()) res.write(frame(entry));
      if (c.request) res.write(requestFrame(c));
      c.streams.add(res);
      const beat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
      res.on('close', () => {
        clearInterval(beat);
        c.streams.delete(res);
      });
      return;
    }
    if (req.method === 'DELETE' && path === '/agent/identities') {
      c?.log.forgets.push({ authorization });
      if (!c) return refuse(res, 'ticket_required');
      if (c.behaviour.refuse) return refuse(res, c.behaviour.refuse);
      const status = c.behaviour.forget ?? 204;
      if (status === 'hang') return;
      if (status !== 204) return json(res, status, { error: 'unavailable', message: 'the fixture was told to fail' });
      for (const { identity } of [...c.identities.values()]) {
        const { attributes: _gone, ...rest } = identity;
        store(c, { ...rest, status: 'forgotten', updated_at: new Date().toISOString() });
      }
      res.writeHead(204);
      return res.end();
    }
    if (req.method === 'POST' && path === '/agent/requests') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        c?.log.asks.push({ authorization, contentType: req.headers['content-type'] ?? null, body });
        if (!c) return refuse(res, 'ticket_required');
        if (c.behaviour.refuse) return refuse(res, c.behaviour.refuse);
        const { ask = 'ok' } = c.behaviour;
        if (ask === 'hang') return;
        if (ask === 'network') return res.destroy();
        if (ask !== 'ok') {
          const error = ask === 409 ? 'request_pending' : ask === 429 ? 'too_many_requests' : 'unavailable';
          return json(res, ask, { error, message: 'the fixture was told to fail' });
        }
        let purpose: unknown;
        try {
          purpose = (JSON.parse(body) as { purpose?: unknown }).purpose;
        } catch {
          // answered below
        }
        if (typeof purpose !== 'string' || !purpose) return json(res, 400, { error: 'invalid_request', message: 'purpose: required' });
        if (!Object.hasOwn(KNOWN_PURPOSES, purpose)) {
          return json(res, 400, { error: 'unknown_purpose', message: 'purpose: the ID Contact core does not know this purpose' });
        }
        if (c.request?.status === 'pending') return json(res, 409, { error: 'request_pending', message: 'a request is pending already' });
        const made = newRequest(purpose);
        setRequest(c, made);
        json(res, 201, made);
      });
      return;
    }
    if (req.method === 'GET' && path === '/agent/identities') {
      if (!c) return refuse(res, 'ticket_required');
      if (c.behaviour.refuse) return refuse(res, c.behaviour.refuse);
      return json(res, 200, { conversation: ticket, identities: [...c.identities.values()].map((e) => e.identity) });
    }
    json(res, 404, { error: 'not_found', message: 'no such endpoint' });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    push(ticket, identity) {
      store(conversation(ticket), { ...identity, updated_at: identity.updated_at ?? new Date().toISOString() });
    },
    setRequest(ticket, request) {
      setRequest(conversation(ticket), request);
    },
    request(ticket) {
      return conversation(ticket).request;
    },
    heartbeat(ticket) {
      broadcast(conversation(ticket), ': heartbeat\n\n');
    },
    end(ticket) {
      for (const stream of conversation(ticket).streams) stream.end();
    },
    expire(ticket) {
      const c = conversation(ticket);
      c.behaviour.refuse = 'ticket_expired';
      for (const stream of c.streams) stream.end('event: ticket_expired\ndata: {}\n\n');
    },
    behave(ticket, behaviour) {
      Object.assign(conversation(ticket).behaviour, behaviour);
    },
    log(ticket) {
      const c = conversation(ticket);
      return { connections: [...c.log.connections], forgets: [...c.log.forgets], asks: [...c.log.asks], open: c.streams.size };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
