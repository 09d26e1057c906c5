/** Key pairs generated per test run; PEM forms for configuring the backend. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

function pair(keys: { privateKey: KeyObject; publicKey: KeyObject }): TestKeyPair {
  return {
    ...keys,
    privatePem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function rsaKeyPair(): TestKeyPair {
  return pair(generateKeyPairSync('rsa', { modulusLength: 2048 }));
}

export function ecKeyPair(): TestKeyPair {
  return pair(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
}
