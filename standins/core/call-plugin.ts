/** The core's server-side JSON calls to auth and comm plugins. */
import type { z } from 'zod';
import { pluginFailure } from './core-error.ts';

export const PLUGIN_TIMEOUT_MS = 10_000;

export interface PluginCallOptions {
  timeoutMs?: number;
  credentials?: { user: string; password: string };
}

/**
 * POSTs JSON and parses the answer with `schema`. Anything else (no answer,
 * an error status, an answer of the wrong shape) is a plugin failure: 500.
 */
export async function callPlugin<T>(url: string, body: unknown, schema: z.ZodType<T>, options: PluginCallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (options.credentials) {
    const { user, password } = options.credentials;
    headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? PLUGIN_TIMEOUT_MS),
    });
  } catch (error) {
    throw pluginFailure(`Plugin at ${url} unreachable (${error instanceof Error ? error.name : 'error'})`);
  }
  if (!response.ok) {
    await response.arrayBuffer().catch(() => undefined);
    throw pluginFailure(`Plugin at ${url} answered ${response.status}`);
  }
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw pluginFailure(`Plugin at ${url} gave an unexpected answer`);
  return parsed.data;
}
