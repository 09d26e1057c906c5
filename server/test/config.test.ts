import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { ecKeyPair, rsaKeyPair } from './support/keys.ts';

const ours = rsaKeyPair();
const plugin = rsaKeyPair();
const other = ecKeyPair();
const base = {
  IDC_PUBLIC_URL: 'https://idc.example/',
  IDC_CORE_URL: 'http://core:8000',
  IDC_DECRYPTION_KEY: ours.privatePem,
  IDC_SIGNATURE_KEYS: plugin.publicPem,
};

function failure(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads a minimal environment with documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'https://idc.example',
      internalUrl: 'https://idc.example',
      coreUrl: 'http://core:8000',
      corePublicUrl: 'http://core:8000',
      allowedOrigins: [],
      sessionTtlSeconds: 900,
    });
    expect(config.signatureKeys).toHaveLength(1);
    expect(config.startSigning).toBeUndefined();
  });

  it('reads every setting', () => {
    const config = loadConfig({
      ...base,
      PORT: '9000',
      HOST: '0.0.0.0',
      IDC_INTERNAL_URL: 'http://backend:9000',
      IDC_CORE_PUBLIC_URL: 'https://core.example',
      IDC_CORE_AUTH: 'user:pa:ss',
      IDC_SIGNATURE_KEYS: plugin.publicPem + other.publicPem,
      IDC_START_SIGNING_KEY: other.privatePem,
      IDC_START_KID: 'widget',
      IDC_ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
      IDC_SESSION_TTL_SECONDS: '120',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      internalUrl: 'http://backend:9000',
      corePublicUrl: 'https://core.example',
      coreAuth: { user: 'user', password: 'pa:ss' },
      allowedOrigins: ['https://a.example', 'https://b.example:8443'],
      sessionTtlSeconds: 120,
    });
    expect(config.signatureKeys).toHaveLength(2);
    expect(config.startSigning?.kid).toBe('widget');
  });

  it('reads keys from *_FILE variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idc-config-'));
    writeFileSync(join(dir, 'dec.pem'), ours.privatePem);
    writeFileSync(join(dir, 'sig.pem'), plugin.publicPem);
    const config = loadConfig({
      ...base,
      IDC_DECRYPTION_KEY: undefined,
      IDC_SIGNATURE_KEYS: undefined,
      IDC_DECRYPTION_KEY_FILE: join(dir, 'dec.pem'),
      IDC_SIGNATURE_KEYS_FILE: join(dir, 'sig.pem'),
    });
    expect(config.decryptionKey.asymmetricKeyType).toBe('rsa');
  });

  it.each([
    [{ IDC_PUBLIC_URL: undefined }, 'IDC_PUBLIC_URL: required'],
    [{ IDC_PUBLIC_URL: 'not a url' }, 'IDC_PUBLIC_URL'],
    [{ IDC_CORE_URL: undefined }, 'IDC_CORE_URL: required'],
    [{ IDC_CORE_URL: 'ftp://core' }, 'IDC_CORE_URL'],
    [{ IDC_INTERNAL_URL: 'backend' }, 'IDC_INTERNAL_URL'],
    [{ IDC_CORE_PUBLIC_URL: 'x' }, 'IDC_CORE_PUBLIC_URL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ IDC_CORE_AUTH: 'no-colon' }, 'IDC_CORE_AUTH'],
    [{ IDC_ALLOWED_ORIGINS: 'https://a.example/chat' }, 'IDC_ALLOWED_ORIGINS'],
    [{ IDC_ALLOWED_ORIGINS: 'a.example' }, 'IDC_ALLOWED_ORIGINS'],
    [{ IDC_SESSION_TTL_SECONDS: '-5' }, 'IDC_SESSION_TTL_SECONDS'],
    [{ IDC_DECRYPTION_KEY: undefined }, 'IDC_DECRYPTION_KEY: required'],
    [{ IDC_DECRYPTION_KEY: 'garbage' }, 'IDC_DECRYPTION_KEY'],
    [{ IDC_DECRYPTION_KEY: plugin.publicPem }, 'IDC_DECRYPTION_KEY'],
    [{ IDC_SIGNATURE_KEYS: undefined }, 'IDC_SIGNATURE_KEYS: required'],
    [{ IDC_SIGNATURE_KEYS: ours.privatePem }, 'IDC_SIGNATURE_KEYS'],
    [{ IDC_DECRYPTION_KEY_FILE: '/nonexistent/key.pem', IDC_DECRYPTION_KEY: undefined }, 'IDC_DECRYPTION_KEY_FILE'],
    [{ IDC_DECRYPTION_KEY_FILE: '/etc/hostname' }, 'IDC_DECRYPTION_KEY'],
    [{ IDC_START_SIGNING_KEY: other.privatePem }, 'IDC_START_KID'],
    [{ IDC_START_KID: 'widget' }, 'IDC_START_SIGNING_KEY'],
    [{ IDC_START_SIGNING_KEY: 'nope', IDC_START_KID: 'widget' }, 'IDC_START_SIGNING_KEY'],
  ])('names the variable for %o', (override, expected) => {
    const message = failure({ ...base, ...override });
    expect(message).toContain(expected);
    expect(message).not.toContain('PRIVATE KEY');
    expect(message).not.toMatch(/MII[A-Za-z0-9+/]{10}/);
  });

  it('refuses an EC key on a curve other than P-256', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const pem = p384.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(failure({ ...base, IDC_SIGNATURE_KEYS: pem })).toContain('IDC_SIGNATURE_KEYS: EC keys must be on curve P-256');
  });

  it('stops `npm run server` with a message naming the setting, without printing the key', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: { PATH: process.env.PATH, ...base, IDC_CORE_URL: 'core' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Configuration error: IDC_CORE_URL');
    expect(result.stderr + result.stdout).not.toContain('PRIVATE KEY');
  });
});
