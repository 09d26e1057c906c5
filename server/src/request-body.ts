/**
 * Reading a JSON request body against a protocol schema: either the data, or
 * the 400 answer naming the first field that is wrong.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { errorResponse } from './errors.ts';

export async function readJsonBody<T extends z.ZodType>(c: Context, schema: T, shape: string): Promise<z.infer<T> | Response> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return errorResponse(c, 400, 'invalid_request', `body must be JSON: ${shape}`);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return errorResponse(c, 400, 'invalid_request', `${String(issue?.path[0] ?? 'body')}: ${issue?.message ?? 'invalid'}`);
}
