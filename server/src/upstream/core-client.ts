/**
 * The ID Contact core's API as our backend calls it (docs/protocol.md section 1).
 * Every answer is validated; anything unexpected becomes a CoreError whose
 * message is safe to show (no bodies echoed, no credentials).
 */
import { SignJWT } from 'jose';
import type { Config } from '../config.ts';
import { createCallPool, PoolBusyError, type CallPoolOptions } from './call-pool.ts';
import { keyKind } from '../crypto/keys.ts';
import {
  CoreSessionOptions,
  CoreStartResponse,
  type CoreStartRequest,
} from '../protocol.ts';

const CORE_TIMEOUT_MS = 10_000;
/** The reference core accepts signed starts for a short while; it uses 5 minutes. */
const SIGNED_START_LIFETIME_SECONDS = 300;

export class CoreError extends Error {
  override name = 'CoreError';
  constructor(
    message: string,
    /** The core's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Too many calls to the core are under way: this one was not made. */
export class CoreBusyError extends CoreError {
  override name = 'CoreBusyError';
}

/** Calls to the core at once, per process; more wait briefly, then get CoreBusyError. */
export const CORE_CALL_POOL: CallPoolOptions = { maxConcurrent: 16, maxQueued: 64, maxWaitMs: 2000 };

/** The core answered 400 to a purpose: it does not know it. */
export class UnknownPurposeError extends CoreError {
  override name = 'UnknownPurposeError';
}

export interface CoreClient {
  sessionOptions(purpose: string): Promise<CoreSessionOptions>;
  start(request: CoreStartRequest): Promise<string>;
}

type CoreClientConfig = Pick<Config, 'coreUrl' | 'coreAuth' | 'startSigning'>;

export function createCoreClient(
  config: CoreClientConfig,
  fetchImpl: typeof fetch = fetch,
  poolOptions: CallPoolOptions = CORE_CALL_POOL,
): CoreClient {
  const pool = createCallPool(poolOptions);
  /** One whole exchange (request and reading the answer) holds one place in the pool. */
  async function pooled<T>(exchange: () => Promise<T>): Promise<T> {
    try {
      return await pool.run(exchange);
    } catch (error) {
      if (error instanceof PoolBusyError) throw new CoreBusyError('the ID Contact core is busy with other requests');
      throw error;
    }
  }

  const authorization = config.coreAuth
    ? `Basic ${Buffer.from(`${config.coreAuth.user}:${config.coreAuth.password}`).toString('base64')}`
    : undefined;

  async function call(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Accept', 'application/json');
    if (authorization) headers.set('Authorization', authorization);
    try {
      return await fetchImpl(`${config.coreUrl}${path}`, {
        ...init,
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(CORE_TIMEOUT_MS),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'is unreachable';
      throw new CoreError(`the ID Contact core ${reason}`);
    }
  }

  async function json(response: Response): Promise<unknown> {
    try {
      return await response.json();
    } catch {
      throw new CoreError('the ID Contact core answered with something other than JSON', response.status);
    }
  }

  return {
    sessionOptions: (purpose) => pooled(async () => {
      const response = await call(`/session_options/${encodeURIComponent(purpose)}`, { method: 'GET' });
      if (response.status === 400 || response.status === 404) {
        await response.body?.cancel();
        throw new UnknownPurposeError('the ID Contact core does not know this purpose', response.status);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new CoreError(`the ID Contact core answered ${response.status}`, response.status);
      }
      const parsed = CoreSessionOptions.safeParse(await json(response));
      if (!parsed.success) throw new CoreError('the ID Contact core sent session options in an unexpected shape');
      return parsed.data;
    }),

    start: (request) => pooled(async () => {
      const signing = config.startSigning;
      const init: RequestInit = signing
        ? {
            method: 'POST',
            headers: { 'Content-Type': 'application/jwt' },
            body: await new SignJWT({ request })
              .setProtectedHeader({ alg: keyKind(signing.key) === 'EC' ? 'ES256' : 'RS256', kid: signing.kid, typ: 'JWT' })
              .setIssuedAt()
              .setExpirationTime(`${SIGNED_START_LIFETIME_SECONDS}s`)
              .sign(signing.key),
          }
        : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) };
      const response = await call('/start', init);
      if (!response.ok) {
        await response.body?.cancel();
        const what = response.status === 400 ? 'refused the request' : `answered ${response.status}`;
        throw new CoreError(`the ID Contact core ${what} when starting authentication`, response.status);
      }
      const parsed = CoreStartResponse.safeParse(await json(response));
      if (!parsed.success) throw new CoreError('the ID Contact core sent no usable client_url');
      return parsed.data.client_url;
    }),
  };
}
