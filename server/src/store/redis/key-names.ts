/**
 * Where the Redis store keeps things: every key and channel under one prefix
 * (so deployments can share a Redis), and the place each sealed value is
 * sealed for (its additional data).
 */
import { digest } from '../../crypto/secrets.ts';

export const DEFAULT_REDIS_PREFIX = 'idc:';

export class RedisKeyNames {
  constructor(readonly prefix: string = DEFAULT_REDIS_PREFIX) {}

  get liveKey(): string {
    return `${this.prefix}live`;
  }

  get streamsKey(): string {
    return `${this.prefix}streams`;
  }

  streamGroupKey(name: string): string {
    return `${this.prefix}sg:${digest(name)}`;
  }

  sessionKey(k: string): string {
    return `${this.prefix}s:${k}`;
  }

  attrsKey(k: string): string {
    return `${this.prefix}sa:${k}`;
  }

  endedKey(k: string): string {
    return `${this.prefix}e:${k}`;
  }

  conversationKey(conversationKey: string): string {
    return `${this.prefix}c:${conversationKey}`;
  }

  identityKey(conversationKey: string, id: string): string {
    return `${this.prefix}i:${conversationKey}:${id}`;
  }

  identityAttrsKey(conversationKey: string, id: string): string {
    return `${this.prefix}ia:${conversationKey}:${id}`;
  }

  forgottenKey(conversationKey: string, id: string): string {
    return `${this.prefix}if:${conversationKey}:${id}`;
  }

  /** The conversation's latest request to verify: a hash of plain fields for the scripts and the sealed record. */
  requestKey(conversationKey: string): string {
    return `${this.prefix}q:${conversationKey}`;
  }

  sessionChannel(k: string): string {
    return `${this.prefix}ch:s:${k}`;
  }

  conversationChannel(conversationKey: string): string {
    return `${this.prefix}ch:c:${conversationKey}`;
  }

  requestChannel(conversationKey: string): string {
    return `${this.prefix}ch:q:${conversationKey}`;
  }
}

/**
 * Where a sealed value belongs, its additional data (see ../at-rest.ts): its record's key (a session's
 * k, an identity's conversation key and id) and its field, so a value copied into another record,
 * or another field, does not open there.
 *
 * A session's `conv` was sealed for one place shared by every session until issue 17 (so it
 * opened in any session's hash); it is now `place(k, 'conv')`. A session with a conversation
 * written before that cannot be read after the upgrade (StoreDataError, answered 503 like a
 * record under another key) until it expires: sessions live minutes, so that is accepted rather
 * than also trying the old place, which would leave the copy open.
 */
export const place = (k: string, field: string) => `session:${k}:${field}`;
export const identityPlace = (conversationKey: string, id: string) => `identity:${conversationKey}:${id}`;
export const identityAttrsPlace = (conversationKey: string, id: string) => `identity-attributes:${conversationKey}:${id}`;
export const changePlace = (conversationKey: string) => `identity-change:${conversationKey}`;
export const requestPlace = (conversationKey: string) => `request:${conversationKey}`;
export const requestChangePlace = (conversationKey: string) => `request-change:${conversationKey}`;
