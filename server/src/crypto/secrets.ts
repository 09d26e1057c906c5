/**
 * Unguessable identifiers and constant-time comparison. Session ids, stream
 * tokens and attr ids are 256 random bits, base64url.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Stores and indexes keep only this digest, so a lookup leaks no timing about the secret itself. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Constant-time check of a presented secret against a stored digest. */
export function matchesDigest(presented: string | undefined, storedDigest: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(digest(presented));
  const b = Buffer.from(storedDigest);
  return a.length === b.length && timingSafeEqual(a, b);
}
