/**
 * The demo's three key pairs: our result decryption key (RSA), the test auth
 * plugin's signing key (RSA) and our signed-start key (EC P-256); and two
 * shared secrets: the one the chat site signs tickets with, and the one the
 * backend signs its webhooks with. Made at the first start and kept in a
 * git-ignored folder, so restarts reuse them; with no folder they live in
 * memory only (tests).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

export interface DemoKeys {
  /** Ours: the auth plugin encrypts results to its public half. */
  decryption: DemoKeyPair;
  /** The test auth plugin's: we verify results with its public half. */
  pluginSigning: DemoKeyPair;
  /** Ours: signs `POST /start`; the core knows the public half. */
  startSigning: DemoKeyPair;
}

export interface DemoSecrets {
  /** IDC_TICKET_SECRET: the chat site signs guest and host tickets with it. */
  ticketSecret: string;
  /** IDC_WEBHOOK_SECRET (`whsec_…`): the backend signs webhooks, the chat site checks them. */
  webhookSecret: string;
}

/** The folder `npm start` uses; listed in .gitignore. */
export const DEFAULT_KEYS_DIR = new URL('../.keys', import.meta.url).pathname;

type Kind = 'rsa' | 'ec';

const FILES: Record<keyof DemoKeys, { file: string; kind: Kind }> = {
  decryption: { file: 'decryption.pem', kind: 'rsa' },
  pluginSigning: { file: 'plugin-signing.pem', kind: 'rsa' },
  startSigning: { file: 'start-signing.pem', kind: 'ec' },
};

function fromPrivate(privateKey: KeyObject): DemoKeyPair {
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function generate(kind: Kind): DemoKeyPair {
  const { privateKey } =
    kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return fromPrivate(privateKey);
}

/** Reads the key from `path`, or makes one and writes it there (owner-only). */
function keptIn(path: string, kind: Kind): DemoKeyPair {
  let pem: string | undefined;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (pem === undefined) {
    const pair = generate(kind);
    writeFileSync(path, pair.privatePem, { mode: 0o600 });
    return pair;
  }
  try {
    return fromPrivate(createPrivateKey(pem));
  } catch {
    throw new Error(`${path} is not a readable private key; delete it and a new one is made at the next start`);
  }
}

/** `keysDir` null: fresh keys in memory only. */
export function loadDemoKeys(keysDir: string | null): DemoKeys {
  if (keysDir !== null) mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const pair = (name: keyof DemoKeys) => {
    const { file, kind } = FILES[name];
    return keysDir === null ? generate(kind) : keptIn(join(keysDir, file), kind);
  };
  return { decryption: pair('decryption'), pluginSigning: pair('pluginSigning'), startSigning: pair('startSigning') };
}

const SECRET_FILES: Record<keyof DemoSecrets, { file: string; make: () => string }> = {
  ticketSecret: { file: 'ticket-secret', make: () => randomBytes(32).toString('base64url') },
  webhookSecret: { file: 'webhook-secret', make: () => `whsec_${randomBytes(32).toString('base64')}` },
};

/** Reads the secret from `path`, or makes one and writes it there (owner-only). */
function secretKeptIn(path: string, make: () => string): string {
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (kept) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = make();
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** `keysDir` null: fresh secrets in memory only. */
export function loadDemoSecrets(keysDir: string | null): DemoSecrets {
  if (keysDir !== null) mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const secret = (name: keyof DemoSecrets) => {
    const { file, make } = SECRET_FILES[name];
    return keysDir === null ? make() : secretKeptIn(join(keysDir, file), make);
  };
  return { ticketSecret: secret('ticketSecret'), webhookSecret: secret('webhookSecret') };
}
