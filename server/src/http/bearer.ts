/**
 * The token of an `Authorization: Bearer <token>` header. The scheme is
 * case-insensitive (RFC 7235 section 2.1), so `bearer` and `BEARER` count too.
 */
const BEARER = /^Bearer +(\S+)$/i;

export function bearerToken(header: string | undefined): string | undefined {
  return BEARER.exec(header ?? '')?.[1];
}
