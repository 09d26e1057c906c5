/**
 * Hand-built result tokens for the refusal tests: every layer can be made
 * wrong on its own (payload shape, signature algorithm, claims).
 */
import type { KeyObject } from 'node:crypto';
import { CompactEncrypt, CompactSign } from 'jose';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds();
  return {
    sub: 'id-contact-attributes',
    status: 'succes',
    attributes: { bsn: '999993653', fullname: 'Sanne de Vries' },
    iat,
    exp: iat + 300,
    ...overrides,
  };
}

export function signClaims(claims: unknown, key: KeyObject | Uint8Array, alg: string): Promise<string> {
  return new CompactSign(json(claims)).setProtectedHeader({ typ: 'JWT', alg }).sign(key);
}

/** An unsecured JWS (`alg: none`), which jose will not make for us. */
export function unsignedJws(claims: unknown): string {
  return `${b64({ typ: 'JWT', alg: 'none' })}.${b64(claims)}.`;
}

export function encryptPayload(
  payload: unknown,
  key: KeyObject,
  alg = key.asymmetricKeyType === 'ec' ? 'ECDH-ES' : 'RSA-OAEP',
  enc = 'A128CBC-HS256',
): Promise<string> {
  return new CompactEncrypt(json(payload)).setProtectedHeader({ typ: 'JWT', cty: 'JWT', alg, enc }).encrypt(key);
}

/** Flips one character of a base64url segment, keeping it valid base64url. */
export function tamperSegment(jwe: string, index: number): string {
  const parts = jwe.split('.');
  const segment = parts[index]!;
  const at = Math.floor(segment.length / 2);
  parts[index] = segment.slice(0, at) + (segment[at] === 'A' ? 'B' : 'A') + segment.slice(at + 1);
  return parts.join('.');
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same bytes spelled differently: flips a spare low bit of segment `index`'s last
 * character. Undefined when the segment has no spare bits (its length is a multiple of 4).
 */
export function respellSegment(compact: string, index: number): string | undefined {
  const parts = compact.split('.');
  const segment = parts[index]!;
  if (segment.length % 4 === 0) return undefined;
  const last = BASE64URL.indexOf(segment.at(-1)!);
  parts[index] = segment.slice(0, -1) + BASE64URL[last ^ 1];
  return parts.join('.');
}
