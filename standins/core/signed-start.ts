/**
 * Verification of the signed form of `POST /start` (docs/protocol.md section 1):
 * a JWS whose `kid` names a key in `authonly_request_keys`, carrying
 * `{"request": {...}, "iat", "exp"}`.
 */
import { errors, jwtVerify } from 'jose';
import { CoreSignedStartClaims, type CoreStartRequest } from '../../server/src/protocol.ts';
import { badRequest, CoreError } from './core-error.ts';
import type { RequestVerificationKey } from './config.ts';

export async function verifySignedStart(token: string, keys: ReadonlyMap<string, RequestVerificationKey>): Promise<CoreStartRequest> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header) => {
        const entry = header.kid === undefined ? undefined : keys.get(header.kid);
        if (!entry) throw badRequest('Unknown or missing kid');
        if (header.alg !== entry.algorithm) throw badRequest(`Algorithm ${String(header.alg)} not accepted for this key`);
        return entry.key;
      },
      { requiredClaims: ['iat', 'exp'] },
    ));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw badRequest('Signed start request has expired');
    if (error instanceof CoreError) throw error;
    throw badRequest('Signed start request does not verify');
  }
  const claims = CoreSignedStartClaims.safeParse(payload);
  if (!claims.success) throw badRequest('Signed start request has no valid request claim');
  return claims.data.request;
}
