/**
 * Stand-in for the ID Contact core (docs/protocol.md section 1), following the
 * reference core's behaviour: session options per purpose, and `POST /start`
 * in its forms (authentication during communication, plain or signed; the
 * full core-initiated flow; communication with an existing result). Also a
 * browser start page (start-page.ts) that runs the full flow, standing in for
 * the municipality's page in front of the real core.
 */
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { HTTPException } from 'hono/http-exception';
import {
  AuthPluginStartResponse,
  CoreStartRequest,
  StartCommunicationResponse,
  type AuthPluginStartRequest,
  type CoreSessionOptions,
  type StartCommunicationRequest,
} from '../../server/src/protocol.ts';
import { callPlugin, PLUGIN_TIMEOUT_MS } from './call-plugin.ts';
import { resolveCoreConfig, type AuthMethodConfig, type CommMethodConfig, type CoreConfig, type ResolvedCoreConfig, type ResolvedPurpose } from './config.ts';
import { badRequest, CoreError, pluginFailure } from './core-error.ts';
import { CORE_ICONS } from './icons.ts';
import { recordRequests, type RecordedRequest } from './request-recorder.ts';
import { verifySignedStart } from './signed-start.ts';
import { renderStartErrorPage, renderStartPage, START_PAGE_HEADERS, START_PAGE_PATH, type MethodChoice, type StartPageOptions } from './start-page.ts';

export interface CoreOptions {
  config: CoreConfig;
  /** Require HTTP Basic auth on the API (not on icons or the browser-facing shim). */
  basicAuth?: { user: string; password: string };
  /** Refuse the plain JSON form of authentication-during-communication, as newer cores do. */
  rejectPlainStart?: boolean;
  /** Bound on each call to a plugin. */
  pluginTimeoutMs?: number;
  /** The core's public base URL (for the attr_url shim); defaults to the request's origin. */
  publicUrl?: string;
  /** Where received requests are recorded; the stand-in passes its own. */
  requests?: RecordedRequest[];
  /** What the browser start page shows; it is served either way. */
  startPage?: StartPageOptions;
}

/** The full core-initiated start: the user chose a purpose, a way to talk and a login method. */
interface FullStartRequest {
  purpose: string;
  auth_method: string;
  comm_method: string;
}

interface ShimState {
  attrUrl: string;
  continuation: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasStrings<K extends string>(value: Record<string, unknown>, ...keys: K[]): value is Record<K, string> {
  return keys.every((key) => typeof value[key] === 'string');
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The reference answers JSON only when `Accept` is exactly `application/json`;
 * anything else, including a list that contains it, gets the 303 redirect.
 */
function answerClientUrl(c: Context, clientUrl: string): Response {
  if (c.req.header('accept')?.trim().toLowerCase() === 'application/json') {
    return c.json({ client_url: clientUrl });
  }
  return c.redirect(clientUrl, 303);
}

export function createCoreApp(options: CoreOptions): Hono {
  const config: ResolvedCoreConfig = resolveCoreConfig(options.config);
  const timeoutMs = options.pluginTimeoutMs ?? PLUGIN_TIMEOUT_MS;
  const shimStates = new Map<string, ShimState>();
  const app = new Hono();

  const purposeNamed = (tag: string): ResolvedPurpose => {
    const purpose = config.purposes.get(tag);
    if (!purpose) throw badRequest(`Unknown purpose ${tag}`);
    return purpose;
  };
  const authMethodFor = (purpose: ResolvedPurpose, tag: string): AuthMethodConfig => {
    const method = purpose.allowedAuth.has(tag) ? config.authMethods.get(tag) : undefined;
    if (!method) throw badRequest(`Auth method ${tag} not available for purpose ${purpose.tag}`);
    return method;
  };
  const commMethodFor = (purpose: ResolvedPurpose, tag: string): CommMethodConfig => {
    const method = purpose.allowedComm.has(tag) ? config.commMethods.get(tag) : undefined;
    if (!method) throw badRequest(`Comm method ${tag} not available for purpose ${purpose.tag}`);
    return method;
  };
  const coreUrlFor = (c: Context) => (options.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');

  /** Starts authentication at the plugin and returns the URL to send the user to. */
  const startAuthentication = async (
    c: Context,
    method: AuthMethodConfig,
    purpose: ResolvedPurpose,
    continuation: string,
    attrUrl: string | undefined,
  ): Promise<string> => {
    let request: AuthPluginStartRequest = { attributes: purpose.attributes, continuation, attr_url: attrUrl };
    if (attrUrl !== undefined && method.disable_attr_url) {
      // The plugin cannot POST results: it returns them on our shim URL, which forwards them.
      const id = randomBytes(24).toString('base64url');
      shimStates.set(id, { attrUrl, continuation });
      request = { attributes: purpose.attributes, continuation: `${coreUrlFor(c)}/auth_attr_shim/${id}` };
    }
    const answer = await callPlugin(`${method.start.replace(/\/+$/, '')}/start_authentication`, request, AuthPluginStartResponse, { timeoutMs });
    return answer.client_url;
  };

  const startCommunication = (method: CommMethodConfig, request: StartCommunicationRequest): Promise<StartCommunicationResponse> =>
    callPlugin(`${method.start.replace(/\/+$/, '')}/start_communication`, request, StartCommunicationResponse, {
      timeoutMs,
      credentials: method.credentials,
    });

  /** Starts the conversation at the comm plugin, then the login towards it; returns where to send the user. */
  const startFullFlow = async (c: Context, request: FullStartRequest): Promise<string> => {
    const purpose = purposeNamed(request.purpose);
    const authMethod = authMethodFor(purpose, request.auth_method);
    const commMethod = commMethodFor(purpose, request.comm_method);
    const communication = await startCommunication(commMethod, { purpose: purpose.tag });
    return startAuthentication(c, authMethod, purpose, communication.client_url, communication.attr_url);
  };

  const startAuthOnly = async (c: Context, request: CoreStartRequest): Promise<Response> => {
    const purpose = purposeNamed(request.purpose);
    const method = authMethodFor(purpose, request.auth_method);
    return answerClientUrl(c, await startAuthentication(c, method, purpose, request.comm_url, request.attr_url));
  };

  app.onError((error, c) => {
    if (error instanceof CoreError) return c.text(error.message, error.status);
    // Hono's own refusals, such as basic auth's 401 with WWW-Authenticate.
    if (error instanceof HTTPException) return error.getResponse();
    return c.text('Internal core error', 500);
  });

  if (options.requests) app.use('*', recordRequests(options.requests));
  if (options.basicAuth) {
    const guard = basicAuth({ username: options.basicAuth.user, password: options.basicAuth.password });
    app.use('/session_options/*', guard);
    app.use('/start', guard);
  }

  app.get('/session_options/:purpose', (c) => {
    const purpose = purposeNamed(c.req.param('purpose'));
    const describe = ({ tag, name, image_path }: { tag: string; name: string; image_path: string }) => ({ tag, name, image_path });
    const sessionOptions: CoreSessionOptions = {
      ...(purpose.name !== undefined ? { name: purpose.name } : {}),
      auth_methods: [...purpose.allowedAuth].map((tag) => describe(config.authMethods.get(tag)!)),
      comm_methods: [...purpose.allowedComm].map((tag) => describe(config.commMethods.get(tag)!)),
    };
    return c.json(sessionOptions);
  });

  app.post('/start', async (c) => {
    const contentType = mediaType(c.req.header('content-type'));
    const text = await c.req.text();

    if (contentType === 'application/jwt') {
      return startAuthOnly(c, await verifySignedStart(text.trim(), config.requestKeys));
    }
    if (contentType !== 'application/json') throw badRequest('Content-Type must be application/json or application/jwt');

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw badRequest('Body is not JSON');
    }
    if (!isRecord(body)) throw badRequest('Body is not a start request');

    // Same order as the reference: full, then authentication only, then communication only.
    if (hasStrings(body, 'purpose', 'auth_method', 'comm_method')) {
      return answerClientUrl(c, await startFullFlow(c, body));
    }
    if (hasStrings(body, 'purpose', 'auth_method', 'comm_url')) {
      if (options.rejectPlainStart) throw badRequest('This core only accepts signed start requests');
      const request = CoreStartRequest.safeParse(body);
      if (!request.success) throw badRequest('Malformed start request');
      return startAuthOnly(c, request.data);
    }
    if (hasStrings(body, 'purpose', 'auth_result', 'comm_method')) {
      const purpose = purposeNamed(body.purpose as string);
      const commMethod = commMethodFor(purpose, body.comm_method as string);
      const communication = await startCommunication(commMethod, { purpose: purpose.tag, auth_result: body.auth_result as string });
      return answerClientUrl(c, communication.client_url);
    }
    throw badRequest('Body is not a start request');
  });

  // The start page is public, as the municipality's is: no API credentials, and it
  // calls the full flow directly, as the real page's POST /start would.
  const purposeName = (tag: string) => options.startPage?.purposeNames?.[tag] ?? tag;
  const unavailableComm = new Set(options.startPage?.unavailableCommMethods ?? []);
  const choices = (tags: ReadonlySet<string>, methods: ReadonlyMap<string, AuthMethodConfig | CommMethodConfig>, unavailable: ReadonlySet<string>) =>
    [...tags].map((tag): MethodChoice => {
      const method = methods.get(tag)!;
      return { tag, name: method.name, imagePath: method.image_path, available: !unavailable.has(tag) };
    });
  const startErrorPage = (c: Context, error: unknown, purposeTag: string | undefined): Response => {
    const status = error instanceof CoreError ? error.status : 500;
    const technical = error instanceof CoreError ? error.message : 'Internal core error';
    const known = purposeTag !== undefined && config.purposes.has(purposeTag);
    const backHref = known ? `${START_PAGE_PATH}?purpose=${encodeURIComponent(purposeTag)}` : START_PAGE_PATH;
    return c.html(renderStartErrorPage({ status, technical, backHref }), status, START_PAGE_HEADERS);
  };

  app.get(START_PAGE_PATH, (c) => {
    const tag = c.req.query('purpose');
    if (!tag) {
      const purposes = [...config.purposes.keys()].map((purpose) => ({ tag: purpose, name: purposeName(purpose) }));
      return c.html(renderStartPage({ step: 'purpose', purposes }), 200, START_PAGE_HEADERS);
    }
    try {
      const purpose = purposeNamed(tag);
      const html = renderStartPage({
        step: 'methods',
        purpose: { tag, name: purposeName(tag) },
        commMethods: choices(purpose.allowedComm, config.commMethods, unavailableComm),
        authMethods: choices(purpose.allowedAuth, config.authMethods, new Set()),
      });
      return c.html(html, 200, START_PAGE_HEADERS);
    } catch (error) {
      return startErrorPage(c, error, undefined);
    }
  });

  app.post(START_PAGE_PATH, async (c) => {
    let purposeTag: string | undefined;
    try {
      if (mediaType(c.req.header('content-type')) !== 'application/x-www-form-urlencoded') {
        throw badRequest('Content-Type must be application/x-www-form-urlencoded');
      }
      const form = new URLSearchParams(await c.req.text());
      purposeTag = form.get('purpose') ?? undefined;
      const [purpose, auth_method, comm_method] = [purposeTag, form.get('auth_method'), form.get('comm_method')];
      if (!purpose || !auth_method || !comm_method) throw badRequest('Choose a purpose, a comm method and an auth method');
      // Not offered on the page, so not taken from it either, even though POST /start would.
      if (unavailableComm.has(comm_method)) throw badRequest(`Comm method ${comm_method} is not offered here`);
      return c.redirect(await startFullFlow(c, { purpose, auth_method, comm_method }), 303);
    } catch (error) {
      return startErrorPage(c, error, purposeTag);
    }
  });

  app.get('/auth_attr_shim/:id', async (c) => {
    const result = c.req.query('result');
    const state = shimStates.get(c.req.param('id'));
    if (result === undefined || !state) throw badRequest('Unknown shim state or no result');
    shimStates.delete(c.req.param('id'));
    try {
      const response = await fetch(state.attrUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/jwt' },
        body: result,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
    } catch {
      throw pluginFailure('Could not forward the result to attr_url');
    }
    return c.redirect(state.continuation, 303);
  });

  app.get('/static/:file', (c) => {
    const svg = CORE_ICONS[c.req.param('file')];
    if (svg === undefined) return c.notFound();
    return c.body(svg, 200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'public, max-age=3600' });
  });

  return app;
}
