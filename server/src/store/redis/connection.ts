/**
 * One connection to Redis as the stores use it (node-redis): commands fail
 * fast instead of queueing while Redis is away, every failure to reach Redis
 * is a StoreUnavailableError, and the client reconnects by itself.
 *
 * - The offline queue is off: while disconnected a call waits at most
 *   `offlineWaitMs` for the connection to come back (a restart, a blip), then
 *   fails. A call with no answer after `commandTimeoutMs` fails too (the
 *   command may still run: the caller cannot know, as with any lost answer).
 * - An idle connection PINGs every 5 s; one that hears nothing for 12 s (a
 *   frozen Redis) is dropped. Reconnects go on forever, backing off to 2 s
 *   (with jitter).
 * - Lua scripts run by EVALSHA, falling back to EVAL once after a restart
 *   (or a SCRIPT FLUSH) forgot them.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Redis from 'redis';

/**
 * The redis client is loaded when a Redis store is made, not when this module is: a backend
 * on the memory store (the default) never pays for it (about 7 MB of an idle process).
 */
let redisModule: typeof Redis | undefined;
function redis(): typeof Redis {
  return (redisModule ??= createRequire(import.meta.url)('redis') as typeof Redis);
}
import type { Logger } from '../../observability/logger.ts';
import { StoreUnavailableError } from '../store-errors.ts';

export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
export const DEFAULT_OFFLINE_WAIT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 2_000;
/** An idle connection PINGs this often, so that a socket silent for SOCKET_TIMEOUT_MS is a hung Redis. */
const PING_INTERVAL_MS = 5_000;
/** A connection that hears nothing this long (a frozen Redis, a dead peer) is dropped and made again. */
const SOCKET_TIMEOUT_MS = 12_000;
/** Commands sent and not yet answered, at most: a hung Redis does not fill the memory. */
const MAX_QUEUED_COMMANDS = 10_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` (TLS), with credentials and database number as usual. */
  url: string;
  /** A command unanswered after this long fails with StoreUnavailableError (default 2000). */
  commandTimeoutMs?: number;
  /** While disconnected, how long a call waits for the connection to come back before failing (default 1000). */
  offlineWaitMs?: number;
  /** Connection loss and recovery are logged (never the URL). */
  logger?: Logger;
  /** CLIENT SETNAME, to tell the store's connections apart in CLIENT LIST (default `idc-store`; the subscriber adds `-sub`). */
  clientName?: string;
}

/** A RESP2 reply as scripts and raw commands give it. */
export type RedisReply = string | number | null | RedisReply[];

/** Reply errors that say "not now" rather than "wrong command": they are unavailability too. */
const TRANSIENT_REPLY = /^(LOADING|READONLY|MASTERDOWN|BUSY|OOM|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF)\b/;

export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

export class RedisConnection {
  readonly client: ReturnType<typeof Redis.createClient>;
  private readonly offlineWaitMs: number;
  private readonly commandTimeoutMs: number;
  private readonly logger?: Logger;
  private closed = false;
  private lost = false;
  /** Resolved at the next `ready`; recreated once it has been. */
  private nextReady!: Promise<void>;
  private resolveReady!: () => void;
  /** Called after a reconnect (not the first connect): subscriptions are back in place by then. */
  onReconnect?: () => void;
  /** Called once when the connection is lost (until it is back). */
  onLost?: () => void;

  constructor(
    options: RedisConnectionOptions,
    private readonly role: 'commands' | 'subscriber' = 'commands',
  ) {
    this.offlineWaitMs = options.offlineWaitMs ?? DEFAULT_OFFLINE_WAIT_MS;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.logger = options.logger;
    this.armReady();
    const name = options.clientName ?? 'idc-store';
    this.client = redis().createClient({
      url: options.url,
      name: role === 'subscriber' ? `${name}-sub` : name,
      disableOfflineQueue: true,
      commandsQueueMaxLength: MAX_QUEUED_COMMANDS,
      pingInterval: PING_INTERVAL_MS,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        socketTimeout: SOCKET_TIMEOUT_MS,
        // Never gives up (node-redis's default gives up after a socket timeout): the store comes back when Redis does.
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100),
      },
    });
    this.client.on('error', (error: Error) => {
      if (this.closed || this.lost) return;
      this.lost = true;
      this.logger?.warn('store connection lost', { role: this.role, reason: error.name });
      this.onLost?.();
    });
    this.client.on('ready', () => {
      const wasLost = this.lost;
      this.lost = false;
      this.resolveReady();
      this.armReady();
      if (wasLost) {
        this.logger?.info('store connection restored', { role: this.role });
        this.onReconnect?.();
      }
    });
    this.client.connect().catch(() => {
      // Only a close() during the first connect ends here; failures to connect are retried above.
    });
  }

  get isReady(): boolean {
    return this.client.isReady;
  }

  /** Waits (at most offlineWaitMs) for the connection; StoreUnavailableError when it does not come. */
  async ready(): Promise<void> {
    if (this.closed) throw new StoreUnavailableError('the store is closed');
    if (this.client.isReady) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.offlineWaitMs);
    });
    await Promise.race([this.nextReady, timeout]);
    clearTimeout(timer);
    if (this.closed) throw new StoreUnavailableError('the store is closed');
    if (!this.client.isReady) throw new StoreUnavailableError('the store cannot reach Redis');
  }

  /** A raw command (`['GET', key]`). */
  async command(args: string[]): Promise<RedisReply> {
    await this.ready();
    return this.withDeadline(async () => (await this.client.sendCommand(args)) as RedisReply);
  }

  /** Runs `script` atomically on Redis with these keys and arguments. */
  async script(script: LuaScript, keys: string[], args: string[]): Promise<RedisReply> {
    await this.ready();
    const tail = [String(keys.length), ...keys, ...args];
    return this.withDeadline(async () => {
      try {
        return (await this.client.sendCommand(['EVALSHA', script.sha, ...tail])) as RedisReply;
      } catch (error) {
        if (!(error instanceof redis().ErrorReply) || !error.message.startsWith('NOSCRIPT')) throw error;
        return (await this.client.sendCommand(['EVAL', script.source, ...tail])) as RedisReply;
      }
    });
  }

  /**
   * The call's answer, or StoreUnavailableError once commandTimeoutMs has passed without one.
   * (node-redis's own command timeout covers only the wait to be written, not the answer.)
   */
  private async withDeadline(call: () => Promise<RedisReply>): Promise<RedisReply> {
    let timer: NodeJS.Timeout | undefined;
    const answer = call();
    // A late answer or failure after the deadline goes nowhere.
    answer.catch(() => undefined);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError('the store did not answer in time')), this.commandTimeoutMs);
    });
    try {
      return await Promise.race([answer, deadline]);
    } catch (error) {
      throw storeError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Quits: waits for replies still due (bounded by the command timeout), then closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.resolveReady();
    try {
      await this.client.close();
    } catch {
      // Already closed.
    }
  }

  private armReady(): void {
    this.nextReady = new Promise<void>((resolve) => (this.resolveReady = resolve));
  }
}

/**
 * A failure to get an answer from Redis (connection lost, refused, timed out,
 * closed, or a "not now" reply) becomes StoreUnavailableError; any other reply
 * error is a bug in the command and is thrown as it is.
 */
export function storeError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (redisModule && error instanceof redisModule.ErrorReply && !TRANSIENT_REPLY.test(error.message)) return error;
  return new StoreUnavailableError(undefined, { cause: error });
}
