import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { verifyTicket } from '../src/conversation/tickets.ts';
import { ecKeyPair, rsaKeyPair } from '../../testkit/keys.ts';
import { mintTicket, newTicketSecret } from '../../testkit/tickets.ts';

const ours = rsaKeyPair();
const plugin = rsaKeyPair();
const other = ecKeyPair();
const base = {
  IDC_PUBLIC_URL: 'https://idc.example/',
  IDC_CORE_URL: 'http://core:8000',
  IDC_DECRYPTION_KEY: ours.privatePem,
  IDC_SIGNATURE_KEYS: plugin.publicPem,
  IDC_ALLOWED_ORIGINS: 'https://www.gemeente.example',
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
      allowedOrigins: ['https://www.gemeente.example'],
      sessionTtlSeconds: 900,
      sessionsPerMinute: 20,
      trustProxy: 0,
      maxSessions: 10_000,
      maxStreams: 10_000,
      agentStreamsPerConversation: 10,
      loginsPerConversation: 20,
      requestTtlSeconds: 300,
      requestStreamsPerConversation: 10,
    });
    expect(config.sessionUrlOrigins).toBeUndefined();
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
      IDC_CHAT_URL: 'https://a.example/chat',
      IDC_PLUGIN_AUTH: 'core:secret',
      IDC_SESSION_URL_ORIGINS: 'https://auth.example, http://plugin.internal:8001',
      IDC_SESSIONS_PER_MINUTE: '50',
      IDC_TRUST_PROXY: '1',
      IDC_MAX_SESSIONS: '500',
      IDC_MAX_STREAMS: '700',
      IDC_AGENT_STREAMS_PER_CONVERSATION: '3',
      IDC_LOGINS_PER_CONVERSATION: '5',
      IDC_REQUEST_TTL_SECONDS: '120',
      IDC_REQUEST_STREAMS_PER_CONVERSATION: '4',
    });
    expect(config).toMatchObject({
      agentStreamsPerConversation: 3,
      loginsPerConversation: 5,
      requestTtlSeconds: 120,
      requestStreamsPerConversation: 4,
      pluginAuth: { user: 'core', password: 'secret' },
      sessionUrlOrigins: ['https://auth.example', 'http://plugin.internal:8001'],
      sessionsPerMinute: 50,
      trustProxy: 1,
      maxSessions: 500,
      maxStreams: 700,
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
    // Core-initiated sessions open to anyone only when said so knowingly.
    [{ IDC_CHAT_URL: 'https://a.example/chat' }, 'IDC_PLUGIN_AUTH: required when IDC_CHAT_URL is set'],
    [{ IDC_CHAT_URL: 'https://a.example/chat', IDC_PLUGIN_AUTH: 'on' }, 'IDC_PLUGIN_AUTH'],
    [{ IDC_SESSION_URL_ORIGINS: 'https://auth.example/path' }, 'IDC_SESSION_URL_ORIGINS'],
    [{ IDC_SESSION_URL_ORIGINS: ' , ' }, 'IDC_SESSION_URL_ORIGINS'],
    [{ IDC_SESSIONS_PER_MINUTE: '0' }, 'IDC_SESSIONS_PER_MINUTE'],
    [{ IDC_TRUST_PROXY: 'yes' }, 'IDC_TRUST_PROXY'],
    [{ IDC_MAX_SESSIONS: '-1' }, 'IDC_MAX_SESSIONS'],
    [{ IDC_MAX_STREAMS: 'many' }, 'IDC_MAX_STREAMS'],
    [{ IDC_AGENT_STREAMS_PER_CONVERSATION: '0' }, 'IDC_AGENT_STREAMS_PER_CONVERSATION'],
    [{ IDC_LOGINS_PER_CONVERSATION: 'lots' }, 'IDC_LOGINS_PER_CONVERSATION'],
    [{ IDC_REQUEST_TTL_SECONDS: '0' }, 'IDC_REQUEST_TTL_SECONDS'],
    [{ IDC_REQUEST_TTL_SECONDS: '3601' }, 'IDC_REQUEST_TTL_SECONDS'],
    [{ IDC_REQUEST_TTL_SECONDS: 'soon' }, 'IDC_REQUEST_TTL_SECONDS'],
    [{ IDC_REQUEST_STREAMS_PER_CONVERSATION: '0' }, 'IDC_REQUEST_STREAMS_PER_CONVERSATION'],
  ])('names the variable for %o', (override, expected) => {
    const message = failure({ ...base, ...override });
    expect(message).toContain(expected);
    expect(message).not.toContain('PRIVATE KEY');
    expect(message).not.toMatch(/MII[A-Za-z0-9+/]{10}/);
  });

  it.each([[undefined], [''], [' , ']])('refuses to start without IDC_ALLOWED_ORIGINS (%o), naming it', (value) => {
    const message = failure({ ...base, IDC_ALLOWED_ORIGINS: value });
    expect(message).toMatch(/^IDC_ALLOWED_ORIGINS: /);
    expect(message).toMatch(/required: the origins of the sites that embed the widget|must list at least one origin/);
  });

  it('reports every configuration error at once, one line each', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        IDC_PUBLIC_URL: 'not a url',
        PORT: 'eighty',
        IDC_DECRYPTION_KEY: 'garbage',
        IDC_START_KID: 'widget',
        IDC_WEBHOOK_URL: 'https://hooks.example/in',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((line) => line.split(':')[0]).sort()).toEqual(
      [
        'IDC_PUBLIC_URL',
        'PORT',
        'IDC_CORE_URL',
        'IDC_ALLOWED_ORIGINS',
        'IDC_DECRYPTION_KEY',
        'IDC_SIGNATURE_KEYS',
        'IDC_START_SIGNING_KEY',
        'IDC_WEBHOOK_SECRET',
      ].sort(),
    );
    expect(error!.message).toBe(error!.problems.join('\n'));
  });

  it('accepts IDC_CHAT_URL with IDC_PLUGIN_AUTH=off, said knowingly', () => {
    expect(loadConfig({ ...base, IDC_CHAT_URL: 'https://a.example/chat', IDC_PLUGIN_AUTH: 'off' }).pluginAuth).toBe('off');
  });

  describe('IDC_TICKET_SECRET', () => {
    it('is optional', () => {
      expect(loadConfig(base).ticketSecret).toBeUndefined();
    });

    it('takes the string as-is: its UTF-8 bytes are the key that verifies a site\'s tickets', async () => {
      const secret = newTicketSecret();
      const config = loadConfig({ ...base, IDC_TICKET_SECRET: secret });
      expect(Buffer.from(config.ticketSecret!).toString('utf8')).toBe(secret);
      const ticket = await mintTicket('guest', secret, { conversation: 'c-1' });
      expect((await verifyTicket(ticket, 'guest', config.ticketSecret!)).conversation).toBe('c-1');
    });

    it('counts bytes, not characters', () => {
      expect(loadConfig({ ...base, IDC_TICKET_SECRET: '€'.repeat(11) }).ticketSecret).toHaveLength(33);
      expect(failure({ ...base, IDC_TICKET_SECRET: '€'.repeat(10) + 'a' })).toContain('IDC_TICKET_SECRET');
    });

    it('refuses fewer than 32 bytes, naming the variable and not echoing the value', () => {
      const short = 'k7Qw-short-secret-31-bytes-long';
      expect(short).toHaveLength(31);
      const message = failure({ ...base, IDC_TICKET_SECRET: short });
      expect(message).toBe('IDC_TICKET_SECRET: must be at least 32 bytes (e.g. openssl rand -base64 32)');
      expect(loadConfig({ ...base, IDC_TICKET_SECRET: short + 'x' }).ticketSecret).toHaveLength(32);
    });
  });

  describe('IDC_WEBHOOK_URL and IDC_WEBHOOK_SECRET', () => {
    const secret = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;
    const url = 'https://chat.gemeente.example/hooks/idc/?token=s3cr3t-query';

    it('are optional', () => {
      expect(loadConfig(base).webhook).toBeUndefined();
    });

    it('are read together, the URL as given', () => {
      const whsec = secret(32);
      expect(loadConfig({ ...base, IDC_WEBHOOK_URL: url, IDC_WEBHOOK_SECRET: whsec }).webhook).toEqual({ url, secret: whsec });
    });

    it('take a 24-byte secret, usable by the standardwebhooks library', () => {
      const whsec = secret(24);
      const config = loadConfig({ ...base, IDC_WEBHOOK_URL: 'http://127.0.0.1:9000/hook', IDC_WEBHOOK_SECRET: whsec });
      const signature = new Webhook(config.webhook!.secret).sign('msg_1', new Date(), '{}');
      expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    });

    it('name the missing one when only one is set', () => {
      expect(failure({ ...base, IDC_WEBHOOK_URL: url })).toBe('IDC_WEBHOOK_SECRET: required when IDC_WEBHOOK_URL is set');
      expect(failure({ ...base, IDC_WEBHOOK_SECRET: secret(32) })).toBe('IDC_WEBHOOK_URL: required when IDC_WEBHOOK_SECRET is set');
    });

    it.each([
      ['not a url'],
      ['ftp://chat.gemeente.example/hook?token=s3cr3t-query'],
      ['javascript:alert(1)'],
      ['https://user:s3cr3t-query@chat.gemeente.example/hook'],
    ])('refuse the URL %s, naming the variable and not echoing it', (value) => {
      const message = failure({ ...base, IDC_WEBHOOK_URL: value, IDC_WEBHOOK_SECRET: secret(32) });
      expect(message).toMatch(/^IDC_WEBHOOK_URL: must/);
      expect(message).not.toContain('s3cr3t');
    });

    it.each([
      ['without the whsec_ prefix', randomBytes(32).toString('base64')],
      ['of 23 bytes', `whsec_${randomBytes(23).toString('base64')}`],
      ['empty after the prefix', 'whsec_'],
      ['in base64url', `whsec_${Buffer.alloc(33, 0xfb).toString('base64url')}`],
      ['without padding', `whsec_${randomBytes(32).toString('base64').replace(/=+$/, '')}`],
      ['with a space', `whsec_ ${randomBytes(24).toString('base64')}`],
    ])('refuse a secret %s, naming the variable and not echoing it', (_, value) => {
      const message = failure({ ...base, IDC_WEBHOOK_URL: url, IDC_WEBHOOK_SECRET: value });
      expect(message).toBe('IDC_WEBHOOK_SECRET: must be whsec_ followed by the base64 of at least 24 random bytes');
    });
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

  it('stops `npm run server` without IDC_ALLOWED_ORIGINS, listing it with every other error', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: { PATH: process.env.PATH, ...base, IDC_ALLOWED_ORIGINS: '', IDC_CORE_URL: 'core' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Configuration errors:\n');
    expect(result.stderr).toContain('  IDC_CORE_URL: ');
    expect(result.stderr).toContain('  IDC_ALLOWED_ORIGINS: required');
    expect(result.stdout).not.toContain('listening');
  });
});

describe('the shared store', () => {
  it('is in memory without IDC_REDIS_URL, with a store key derived from the decryption key', () => {
    const config = loadConfig(base);
    expect(config.redis).toBeUndefined();
    expect(config.storeKey).toHaveLength(32);
    // The same decryption key gives every instance the same store key; another gives another.
    expect(Buffer.from(loadConfig(base).storeKey).equals(Buffer.from(config.storeKey))).toBe(true);
    const otherKeys = rsaKeyPair();
    expect(Buffer.from(loadConfig({ ...base, IDC_DECRYPTION_KEY: otherKeys.privatePem }).storeKey).equals(Buffer.from(config.storeKey))).toBe(false);
  });

  it('takes a redis:// or rediss:// URL, a prefix and a 32-byte IDC_STORE_KEY', () => {
    const key = randomBytes(32);
    const config = loadConfig({ ...base, IDC_REDIS_URL: 'rediss://idc:pw@redis.internal:6380/2', IDC_REDIS_PREFIX: 'gemeente:', IDC_STORE_KEY: key.toString('base64') });
    expect(config.redis).toEqual({ url: 'rediss://idc:pw@redis.internal:6380/2', prefix: 'gemeente:' });
    expect(Buffer.from(config.storeKey).equals(key)).toBe(true);
    expect(loadConfig({ ...base, IDC_REDIS_URL: 'redis://127.0.0.1:6379' }).redis?.prefix).toBe('idc:');
  });

  it.each([
    [{ IDC_REDIS_URL: 'http://redis:6379' }, 'IDC_REDIS_URL'],
    [{ IDC_REDIS_URL: 'redis://user:hunter2-secret@' }, 'IDC_REDIS_URL'],
    [{ IDC_STORE_KEY: randomBytes(16).toString('base64') }, 'IDC_STORE_KEY'],
    [{ IDC_STORE_KEY: 'not base64 at all!' }, 'IDC_STORE_KEY'],
    [{ IDC_REDIS_PREFIX: 'has space' }, 'IDC_REDIS_PREFIX'],
  ])('refuses %o, naming the variable and never quoting a password', (env, name) => {
    const message = failure({ ...base, ...env });
    expect(message).toContain(name);
    expect(message).not.toContain('hunter2');
  });
});
