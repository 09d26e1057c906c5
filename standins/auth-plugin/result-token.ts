/**
 * Builds an authentication result exactly as ID Contact auth plugins do
 * (docs/protocol.md section 3): a compact JWS with the result claims, wrapped as
 * `{"njwt": <JWS>}` in a compact JWE for the communication plugin.
 */
import type { KeyObject } from 'node:crypto';
import { CompactEncrypt, CompactSign } from 'jose';
import { RESULT_SUBJECT, type Attributes, type AuthStatus } from '../../server/src/protocol.ts';

/** Result lifetime the reference uses: five minutes. */
export const RESULT_LIFETIME_SECONDS = 300;

export interface ResultTokenClaims {
  status: AuthStatus;
  attributes?: Attributes;
  session_url?: string;
}

export interface ResultTokenOptions {
  /** The auth plugin's private signing key (RSA or EC). */
  signingKey: KeyObject;
  /** The communication plugin's public encryption key (RSA or EC). */
  encryptionKey: KeyObject;
  /** Overrides, so tests can build wrong or unusual variants. */
  alg?: string;
  enc?: string;
  jwsAlg?: string;
  sub?: string;
  iat?: number;
  exp?: number;
}

export async function createResultToken(claims: ResultTokenClaims, options: ResultTokenOptions): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const exp = options.exp ?? iat + RESULT_LIFETIME_SECONDS;
  const payload = {
    sub: options.sub ?? RESULT_SUBJECT,
    status: claims.status,
    ...(claims.attributes === undefined ? {} : { attributes: claims.attributes }),
    ...(claims.session_url === undefined ? {} : { session_url: claims.session_url }),
    iat,
    exp,
  };
  const jwsAlg = options.jwsAlg ?? signatureAlgorithmFor(options.signingKey);
  const njwt = await new CompactSign(encodeJson(payload))
    .setProtectedHeader({ typ: 'JWT', alg: jwsAlg })
    .sign(options.signingKey);

  const alg = options.alg ?? keyManagementAlgorithmFor(options.encryptionKey);
  const enc = options.enc ?? 'A128CBC-HS256';
  return new CompactEncrypt(encodeJson({ njwt }))
    .setProtectedHeader({ typ: 'JWT', cty: 'JWT', alg, enc })
    .encrypt(options.encryptionKey);
}

function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function signatureAlgorithmFor(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'secp384r1') return 'ES384';
    if (curve === 'secp521r1') return 'ES512';
    return 'ES256';
  }
  throw new Error(`Unsupported signing key type: ${String(key.asymmetricKeyType)}`);
}

function keyManagementAlgorithmFor(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RSA-OAEP';
  if (key.asymmetricKeyType === 'ec') return 'ECDH-ES';
  throw new Error(`Unsupported encryption key type: ${String(key.asymmetricKeyType)}`);
}
