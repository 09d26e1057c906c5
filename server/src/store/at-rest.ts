/**
 * Encryption at rest for what a shared store holds of a person: attributes,
 * results, identities, webhook bodies. AES-256-GCM with a key the store's
 * server never sees; a random 96-bit IV per value, and the value's place (its
 * key and field) as additional data, so a sealed value copied to another place
 * does not open there.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { StoreDataError } from './store-errors.ts';

export const STORE_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1.';

export class AtRestCipher {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.byteLength !== STORE_KEY_BYTES) throw new TypeError(`the store key must be ${STORE_KEY_BYTES} bytes`);
    this.key = Buffer.from(key);
  }

  /** `plaintext` sealed for `place`: `v1.` + base64url(iv | ciphertext | tag). */
  seal(plaintext: string, place: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(place, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** Opens what `seal` made for the same place; throws StoreDataError otherwise. */
  open(sealed: string, place: string): string {
    const raw = sealed.startsWith(VERSION) ? Buffer.from(sealed.slice(VERSION.length), 'base64url') : undefined;
    if (!raw || raw.length < IV_BYTES + TAG_BYTES) throw new StoreDataError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(place, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new StoreDataError(undefined, { cause: error });
    }
  }

  sealJson(value: unknown, place: string): string {
    return this.seal(JSON.stringify(value), place);
  }

  openJson<T>(sealed: string, place: string): T {
    return JSON.parse(this.open(sealed, place)) as T;
  }
}
