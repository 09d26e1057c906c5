/**
 * PEM key parsing. The reference configures keys as PEM text of type RSA or
 * EC; node's crypto reads PKCS#8, PKCS#1, SEC1 and SPKI alike, which jose's
 * own importers do not.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export type KeyKind = 'RSA' | 'EC';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

export function keyKind(key: KeyObject): KeyKind {
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return 'RSA';
  if (key.asymmetricKeyType === 'ec') return 'EC';
  throw new Error(`unsupported key type ${key.asymmetricKeyType ?? 'unknown'} (RSA or EC only)`);
}

function checkSupported(key: KeyObject): KeyObject {
  const kind = keyKind(key);
  if (kind === 'EC' && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('EC keys must be on curve P-256');
  }
  if (kind === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new Error('RSA keys must be at least 2048 bits');
  }
  return key;
}

export function parsePrivateKey(pem: string): KeyObject {
  const blocks = pem.match(PEM_BLOCK);
  if (!blocks || blocks.length !== 1) throw new Error('expected exactly one PEM private key block');
  return checkSupported(createPrivateKey(blocks[0]!));
}

/** One or more PEM public keys (or certificates) concatenated. */
export function parsePublicKeys(pem: string): KeyObject[] {
  const blocks = pem.match(PEM_BLOCK);
  if (!blocks || blocks.length === 0) throw new Error('expected one or more PEM public key blocks');
  return blocks.map((block) => {
    if (/PRIVATE KEY/.test(block)) throw new Error('expected public keys, found a private key');
    return checkSupported(createPublicKey(block));
  });
}
