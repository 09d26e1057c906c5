/**
 * Refuses browser requests from pages not on IDC_ALLOWED_ORIGINS. CORS alone
 * only hides answers from such pages; this stops the request itself.
 * Requests without an Origin (server to server, tests) pass.
 */
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.ts';

export function allowedOriginOnly(allowedOrigins: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('Origin');
    if (origin !== undefined && !allowedOrigins.includes(origin)) {
      return errorResponse(c, 403, 'origin_not_allowed', 'this site is not allowed to use this backend (IDC_ALLOWED_ORIGINS)');
    }
    await next();
  };
}
