/**
 * The address a request comes from, for per-client limits: the socket's, or,
 * behind `trustProxy` reverse proxies, the first X-Forwarded-For hop that no
 * trusted proxy wrote (each appends the address it saw, so the client is
 * `trustProxy` entries from the right; anything further left is the client's
 * own say and not believed).
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

export function clientAddress(c: Context, trustProxy: number): string {
  const socketAddress = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';
  if (trustProxy === 0) return socketAddress;
  const hops = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  // Fewer hops than proxies: one of them did not append, so none of the header is trusted.
  return hops.length >= trustProxy ? hops[hops.length - trustProxy]! : socketAddress;
}
