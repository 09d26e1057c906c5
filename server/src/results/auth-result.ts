/**
 * Verification of an authentication result (docs/protocol.md section 3): a compact
 * JWE, encrypted to our key, around a JWS signed by an auth plugin.
 *
 * Algorithms are allow-listed by key type, so a token cannot choose a weaker
 * path (`alg: none`, HS256 keyed with a public key, ...). Errors carry a code
 * and a message that never quote the token or its contents.
 */
import { createHash, type KeyObject } from 'node:crypto';
import {
  compactDecrypt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWEKeyManagementAlgorithm,
} from 'jose';
import { keyKind } from '../crypto/keys.ts';
import { ResultClaims, ResultEnvelope, RESULT_SUBJECT, type VerifiedResult } from '../protocol.ts';

export const CLOCK_TOLERANCE_SECONDS = 30;
export const MAX_RESULT_BYTES = 16 * 1024;
/** Results are minutes old at most (the reference uses 5); older ones are refused, bounding replay memory. */
export const MAX_RESULT_AGE_SECONDS = 3600;

const KEY_MANAGEMENT: Record<'RSA' | 'EC', JWEKeyManagementAlgorithm[]> = {
  RSA: ['RSA-OAEP', 'RSA-OAEP-256'],
  EC: ['ECDH-ES'],
};
const CONTENT_ENCRYPTION = ['A128CBC-HS256', 'A256GCM'];
const SIGNATURE: Record<'RSA' | 'EC', string[]> = {
  RSA: ['RS256', 'PS256'],
  EC: ['ES256'],
};

export type AuthResultErrorCode =
  | 'malformed_token'
  | 'decryption_failed'
  | 'malformed_payload'
  | 'invalid_signature'
  | 'expired'
  | 'invalid_claims';

export class AuthResultError extends Error {
  override name = 'AuthResultError';
  constructor(
    readonly code: AuthResultErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ResultKeys {
  decryptionKey: KeyObject;
  signatureKeys: KeyObject[];
}

export interface VerifyOptions {
  /** The verifier's clock; tests move it. */
  now?: Date;
}

/** Full verification result: the attributes plus what replay bookkeeping needs. */
export interface VerifiedToken {
  result: VerifiedResult;
  expiresAt: Date;
  /**
   * Names what was verified, not how it was spelled: the digest of the inner JWS's
   * signing input (header and claims), so a re-encrypted or re-signed copy of one
   * result is the same result. Signatures are left out: ECDSA ones are malleable.
   */
  replayKey: string;
}

const COMPACT_JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export async function verifyAuthResult(
  token: string,
  keys: ResultKeys,
  options: VerifyOptions = {},
): Promise<VerifiedToken> {
  const jwe = token.trim();
  if (jwe.length > MAX_RESULT_BYTES) throw new AuthResultError('malformed_token', 'result is too large');
  if (!COMPACT_JWE.test(jwe)) throw new AuthResultError('malformed_token', 'result is not a compact JWE');
  // jose ignores the spare low bits of a segment's last character: one result would
  // otherwise have many spellings. Only the canonical one is accepted.
  if (!jwe.split('.').every(isCanonicalBase64url)) {
    throw new AuthResultError('malformed_token', 'result is not canonical base64url');
  }

  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(jwe, keys.decryptionKey, {
      keyManagementAlgorithms: KEY_MANAGEMENT[keyKind(keys.decryptionKey)],
      contentEncryptionAlgorithms: CONTENT_ENCRYPTION,
    }));
  } catch (error) {
    throw new AuthResultError('decryption_failed', `result does not decrypt with our key (${joseReason(error)})`);
  }

  let njwt: string;
  try {
    njwt = ResultEnvelope.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext))).njwt;
  } catch {
    throw new AuthResultError('malformed_payload', 'decrypted result is not {"njwt": "<JWS>"}');
  }

  const jwsSegments = njwt.split('.');
  if (jwsSegments.length !== 3 || !jwsSegments.every(isCanonicalBase64url)) {
    throw new AuthResultError('malformed_payload', 'njwt is not a canonical compact JWS');
  }
  const claims = await verifySignedClaims(njwt, keys.signatureKeys, options.now);
  const parsed = ResultClaims.safeParse(claims);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'claims')))];
    throw new AuthResultError('invalid_claims', `result claims are invalid: ${fields.join(', ')}`);
  }
  const { status, attributes, session_url: sessionUrl, exp, iat } = parsed.data;
  if (status === 'succes' && attributes === undefined) {
    throw new AuthResultError('invalid_claims', 'result claims are invalid: attributes');
  }
  return {
    result: {
      status,
      // A failed result carries no identity, whatever the token holds.
      attributes: status === 'succes' ? (attributes ?? {}) : {},
      ...(sessionUrl ? { sessionUrl } : {}),
    },
    expiresAt: new Date((Math.min(exp, iat + MAX_RESULT_AGE_SECONDS) + CLOCK_TOLERANCE_SECONDS) * 1000),
    replayKey: createHash('sha256').update(`${jwsSegments[0]}.${jwsSegments[1]}`).digest('base64url'),
  };
}

/** True when decoding and encoding again gives the same text (no padding, no spare bits set). */
function isCanonicalBase64url(segment: string): boolean {
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

async function verifySignedClaims(njwt: string, keys: KeyObject[], now: Date | undefined): Promise<unknown> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(njwt).alg;
  } catch {
    throw new AuthResultError('malformed_payload', 'njwt is not a compact JWS');
  }
  const candidates = keys.filter((key) => alg !== undefined && SIGNATURE[keyKind(key)].includes(alg));
  if (candidates.length === 0) {
    throw new AuthResultError('invalid_signature', `signature algorithm ${String(alg).slice(0, 20)} is not accepted`);
  }
  for (const key of candidates) {
    try {
      const { payload } = await jwtVerify(njwt, key, {
        algorithms: SIGNATURE[keyKind(key)],
        subject: RESULT_SUBJECT,
        requiredClaims: ['exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: MAX_RESULT_AGE_SECONDS,
        currentDate: now,
      });
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue;
      if (error instanceof joseErrors.JWTExpired) throw new AuthResultError('expired', 'result has expired');
      if (error instanceof joseErrors.JWTClaimValidationFailed) {
        throw new AuthResultError('invalid_claims', `result claims are invalid: ${error.claim}`);
      }
      if (error instanceof joseErrors.JWTInvalid) {
        throw new AuthResultError('invalid_claims', 'result claims are not a JSON object');
      }
      throw new AuthResultError('invalid_signature', `signature is not valid (${joseReason(error)})`);
    }
  }
  throw new AuthResultError('invalid_signature', 'signature is not by a trusted auth plugin key');
}

/** jose's error code only: its messages are safe, but codes are enough. */
function joseReason(error: unknown): string {
  return error instanceof joseErrors.JOSEError ? error.code : 'invalid';
}
