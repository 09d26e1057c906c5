/**
 * The two ways a test auth plugin hands its result over: a server-side POST to
 * the attr_url, or `result=<JWE>` on the continuation URL (docs/protocol.md 3, 4).
 */

/** Default bound on the attr_url POST, so a slow receiver cannot hang the login. */
export const RESULT_DELIVERY_TIMEOUT_MS = 5000;

export interface ResultDeliveryOutcome {
  /** HTTP status of the receiver's answer, when there was one. */
  status?: number;
  /** Why no answer came (network error, timeout). */
  error?: string;
}

export async function postResultToAttrUrl(
  attrUrl: string,
  token: string,
  timeoutMs: number = RESULT_DELIVERY_TIMEOUT_MS,
): Promise<ResultDeliveryOutcome> {
  try {
    const response = await fetch(attrUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/jwt' },
      body: token,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The sender ignores the answer; drain it so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status };
  } catch (error) {
    return { error: error instanceof Error ? error.name : 'unknown error' };
  }
}

/**
 * Appends `result=<token>` as the reference does (`?` or `&` depending on an
 * existing query), but before any fragment so the parameter reaches the server.
 * A compact JWE is base64url and dots only, so it needs no escaping.
 */
export function appendResultToContinuation(continuation: string, token: string): string {
  const hashAt = continuation.indexOf('#');
  const beforeFragment = hashAt === -1 ? continuation : continuation.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : continuation.slice(hashAt);
  const separator = beforeFragment.includes('?') ? '&' : '?';
  return `${beforeFragment}${separator}result=${token}${fragment}`;
}
