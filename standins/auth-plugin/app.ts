/**
 * Stand-in for ID Contact's test auth plugin (`auth-test`): starts a login on
 * `POST /start_authentication`, shows a TEST login page, and delivers a signed
 * and encrypted result for a configurable test person.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { Hono } from 'hono';
import { AuthPluginStartRequest, type Attributes, type AuthStatus } from '../../server/src/protocol.ts';
import { createResultToken } from './result-token.ts';
import { renderLoginPage, renderUnknownLoginPage } from './login-page.ts';
import { appendResultToContinuation, postResultToAttrUrl, RESULT_DELIVERY_TIMEOUT_MS, type ResultDeliveryOutcome } from './deliver-result.ts';

export type SessionFeedbackType = 'user_active' | 'logout';

/** How `POST /session/:id` answers: normally, with 500, or not for a long time. */
export type SessionFeedbackBehaviour = 'ok' | 'fail' | 'hang';

export interface SessionFeedbackCall {
  id: string;
  type: SessionFeedbackType;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface ResultDelivery extends ResultDeliveryOutcome {
  attrUrl: string;
  resultStatus: AuthStatus;
  /** When the POST to attr_url left, and when its answer came (ms since the epoch). */
  sentAt: number;
  at: number;
}

export interface AuthPluginRecords {
  sessionFeedback: SessionFeedbackCall[];
  /** attr_url POSTs made, without the token. */
  resultDeliveries: ResultDelivery[];
}

export interface AuthPluginOptions {
  /** The auth plugin's private signing key. */
  signingKey: KeyObject;
  /** The communication plugin's public encryption key. */
  encryptionKey: KeyObject;
  /** Attribute tag to value; only asked attributes are released. */
  testPerson: Attributes;
  /** Shown on the login button; defaults to the person's `fullname`. */
  testPersonName?: string;
  /** Base URL for client and session URLs; defaults to the origin the request came in on. */
  publicUrl?: string;
  /** Adds `session_url` to successful results. */
  withSession?: boolean;
  /** Read on every call, so it can be changed while running. */
  sessionFeedbackBehaviour?: SessionFeedbackBehaviour;
  /** How long `hang` holds a session feedback call before answering. */
  hangMs?: number;
  resultDeliveryTimeoutMs?: number;
  /** Where calls are recorded; the stand-in passes its own. */
  records?: AuthPluginRecords;
}

const DEFAULT_HANG_MS = 60_000;
const SESSION_FEEDBACK_TYPES: readonly string[] = ['user_active', 'logout'];

interface PendingLogin {
  request: AuthPluginStartRequest;
  pluginUrl: string;
}

function unguessableId(): string {
  return randomBytes(24).toString('base64url');
}

function releasedAttributes(asked: readonly string[], person: Attributes): Attributes {
  const released: Attributes = {};
  for (const tag of asked) {
    const value = person[tag];
    if (value !== undefined) released[tag] = value;
  }
  return released;
}

export function createAuthPluginApp(options: AuthPluginOptions): Hono {
  const records = options.records ?? { sessionFeedback: [], resultDeliveries: [] };
  const pendingLogins = new Map<string, PendingLogin>();
  /**
   * One test person, no session_url: two successes issued in the same second
   * carry identical claims and so are one result to the backend's replay check
   * (it keys on what was signed). A person cannot finish two logins in a
   * second; automated tests can, so the second waits for the next second.
   */
  let lastSuccessSecond = 0;
  const notTheSameResultTwice = async () => {
    const second = Math.floor(Date.now() / 1000);
    if (second === lastSuccessSecond) await new Promise((resolve) => setTimeout(resolve, (second + 1) * 1000 - Date.now() + 5));
    lastSuccessSecond = Math.floor(Date.now() / 1000);
  };
  const knownSessions = new Set<string>();
  const testPersonName = options.testPersonName ?? options.testPerson.fullname ?? 'the test person';
  const app = new Hono();

  const pluginUrlFor = (requestUrl: string) => (options.publicUrl ?? new URL(requestUrl).origin).replace(/\/+$/, '');

  app.post('/start_authentication', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: 'bad_request', message: 'Body is not JSON' }, 400);
    }
    const parsed = AuthPluginStartRequest.safeParse(body);
    if (!parsed.success) {
      return c.json({ error: 'bad_request', message: 'Body is not a start_authentication request' }, 400);
    }
    const id = unguessableId();
    const pluginUrl = pluginUrlFor(c.req.url);
    pendingLogins.set(id, { request: parsed.data, pluginUrl });
    return c.json({ client_url: `${pluginUrl}/login/${id}` });
  });

  app.get('/login/:id', (c) => {
    const id = c.req.param('id');
    const pending = pendingLogins.get(id);
    if (!pending) return c.html(renderUnknownLoginPage(), 404);
    return c.html(
      renderLoginPage({
        formAction: `/login/${encodeURIComponent(id)}`,
        askedAttributes: pending.request.attributes,
        testPerson: options.testPerson,
        testPersonName,
      }),
    );
  });

  app.post('/login/:id', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const outcome = form.outcome;
    if (outcome !== 'succes' && outcome !== 'failed') {
      return c.text('Choose one of the two buttons.', 400);
    }
    const pending = pendingLogins.get(id);
    if (!pending) return c.html(renderUnknownLoginPage(), 404);
    // Consumed before any await, so a double submit cannot deliver twice.
    pendingLogins.delete(id);

    let sessionUrl: string | undefined;
    if (outcome === 'succes' && options.withSession) {
      const sessionId = unguessableId();
      knownSessions.add(sessionId);
      sessionUrl = `${pending.pluginUrl}/session/${sessionId}`;
    }
    if (outcome === 'succes' && !sessionUrl) await notTheSameResultTwice();
    const token = await createResultToken(
      outcome === 'succes'
        ? { status: 'succes', attributes: releasedAttributes(pending.request.attributes, options.testPerson), session_url: sessionUrl }
        : { status: 'failed' },
      { signingKey: options.signingKey, encryptionKey: options.encryptionKey },
    );

    const { continuation, attr_url: attrUrl } = pending.request;
    if (attrUrl === undefined) {
      return c.redirect(appendResultToContinuation(continuation, token), 303);
    }
    const sentAt = Date.now();
    const delivered = await postResultToAttrUrl(attrUrl, token, options.resultDeliveryTimeoutMs ?? RESULT_DELIVERY_TIMEOUT_MS);
    records.resultDeliveries.push({ attrUrl, resultStatus: outcome, sentAt, at: Date.now(), ...delivered });
    return c.redirect(continuation, 303);
  });

  app.post('/session/:id', async (c) => {
    const id = c.req.param('id');
    const type = c.req.query('type');
    if (type === undefined || !SESSION_FEEDBACK_TYPES.includes(type)) {
      return c.text('type must be user_active or logout', 400);
    }
    if (!knownSessions.has(id)) return c.text('Unknown session', 404);
    records.sessionFeedback.push({ id, type: type as SessionFeedbackType, at: Date.now() });

    const behaviour = options.sessionFeedbackBehaviour ?? 'ok';
    if (behaviour === 'fail') return c.text('Session feedback failure (simulated)', 500);
    if (behaviour === 'hang') {
      await new Promise<void>((resolve) => setTimeout(resolve, options.hangMs ?? DEFAULT_HANG_MS).unref());
    }
    return c.body(null, 200);
  });

  return app;
}
