import { beforeEach, describe, expect, it } from 'vitest';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';
import { seedSession, testBackend } from '../../testkit/backend.ts';
import { encryptPayload, signClaims, tamperSegment, unsignedJws, validClaims } from '../../testkit/tokens.ts';

// RSA key generation is slow; one pair each for the whole file.
const ours = rsaKeyPair();
const plugin = rsaKeyPair();
let backend: ReturnType<typeof testBackend>;
let session: Awaited<ReturnType<typeof seedSession>>;

beforeEach(async () => {
  backend = testBackend({ ours, plugin });
  session = await seedSession(backend.store);
});

function post(body: string, contentType = 'application/jwt', attrId = session.attrId) {
  return backend.app.request(`/attributes/${attrId}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body,
  });
}

function goodToken(claims: Parameters<typeof createResultToken>[0] = { status: 'succes', attributes: { bsn: '999993653' } }) {
  return createResultToken(claims, { signingKey: backend.plugin.privateKey, encryptionKey: backend.ours.publicKey });
}

/** Wraps arbitrary claims the way an auth plugin would, signed RS256 by the trusted key. */
async function tokenWithClaims(claims: unknown) {
  return encryptPayload({ njwt: await signClaims(claims, backend.plugin.privateKey, 'RS256') }, backend.ours.publicKey);
}

async function storedResult() {
  return (await backend.store.get(session.id))?.result;
}

describe('POST /attributes/:attr_id', () => {
  it('accepts a valid result and attaches the verified attributes to its session', async () => {
    const response = await post(await goodToken());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'accepted' });
    expect(await storedResult()).toEqual({ status: 'succes', attributes: { bsn: '999993653' } });
  });

  it('accepts a failed result', async () => {
    expect((await post(await goodToken({ status: 'failed' }))).status).toBe(200);
    expect(await storedResult()).toEqual({ status: 'failed', attributes: {} });
  });

  it('accepts a content type with parameters', async () => {
    expect((await post(await goodToken(), 'application/jwt; charset=utf-8')).status).toBe(200);
  });

  it('refuses a replay for the same attr_id with 409 and keeps the first result', async () => {
    expect((await post(await goodToken())).status).toBe(200);
    const second = await post(await goodToken({ status: 'succes', attributes: { bsn: '111222333' } }));
    expect(second.status).toBe(409);
    expect((await second.json()).error).toBe('result_already_received');
    expect(await storedResult()).toEqual({ status: 'succes', attributes: { bsn: '999993653' } });
  });

  it('refuses the same token posted to another session (replay across sessions)', async () => {
    const token = await goodToken();
    expect((await post(token)).status).toBe(200);
    const other = await seedSession(backend.store);
    const response = await post(token, 'application/jwt', other.attrId);
    expect(response.status).toBe(409);
    expect((await response.json()).error).toBe('result_replayed');
    expect((await backend.store.get(other.id))?.result).toBeUndefined();
  });

  it('does not let the attr_url read anything', async () => {
    expect((await post(await goodToken())).status).toBe(200);
    const read = await backend.app.request(`/attributes/${session.attrId}`);
    expect(read.status).toBe(404);
    expect(await read.text()).not.toContain('999993653');
  });

  describe('refusals: 4xx, nothing stored', () => {
    const cases: Array<[string, () => Promise<Response>, number, string?]> = [
      ['wrong content type', async () => post(await goodToken(), 'application/json'), 415],
      ['no content type', async () => post(await goodToken(), ''), 415],
      ['a body over 16 KB', async () => post('a'.repeat(16 * 1024 + 1)), 413],
      ['an unknown attr_id', async () => post(await goodToken(), 'application/jwt', 'not-a-real-attr-id'), 404],
      ['not a JWE', async () => post('hello.world'), 400, 'malformed_token'],
      ['a JWS instead of a JWE', async () => post(await signClaims(validClaims(), backend.plugin.privateKey, 'RS256')), 400, 'malformed_token'],
      [
        'encrypted to another key',
        async () =>
          post(await createResultToken({ status: 'succes', attributes: {} }, { signingKey: backend.plugin.privateKey, encryptionKey: rsaKeyPair().publicKey })),
        400,
        'decryption_failed',
      ],
      ['tampered ciphertext', async () => post(tamperSegment(await goodToken(), 3)), 400, 'decryption_failed'],
      ['tampered authentication tag', async () => post(tamperSegment(await goodToken(), 4)), 400, 'decryption_failed'],
      ['tampered protected header', async () => post(tamperSegment(await goodToken(), 0)), 400],
      ['alg: none', async () => post(await encryptPayload({ njwt: unsignedJws(validClaims()) }, backend.ours.publicKey)), 400, 'invalid_signature'],
      [
        'HS256 signed with the public key as secret',
        async () => {
          const secret = new TextEncoder().encode(backend.plugin.publicPem);
          return post(await encryptPayload({ njwt: await signClaims(validClaims(), secret, 'HS256') }, backend.ours.publicKey));
        },
        400,
        'invalid_signature',
      ],
      [
        'signed by an unknown key',
        async () => post(await encryptPayload({ njwt: await signClaims(validClaims(), rsaKeyPair().privateKey, 'RS256') }, backend.ours.publicKey)),
        400,
        'invalid_signature',
      ],
      ['expired', async () => post(await tokenWithClaims(validClaims({ iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 300 }))), 400, 'expired'],
      ['no exp', async () => post(await tokenWithClaims(validClaims({ exp: undefined }))), 400, 'invalid_claims'],
      ['no iat', async () => post(await tokenWithClaims(validClaims({ iat: undefined }))), 400, 'invalid_claims'],
      ['wrong sub', async () => post(await tokenWithClaims(validClaims({ sub: 'id-contact-something' }))), 400, 'invalid_claims'],
      ['unknown status', async () => post(await tokenWithClaims(validClaims({ status: 'success' }))), 400, 'invalid_claims'],
      ['non-string attribute values', async () => post(await tokenWithClaims(validClaims({ attributes: { age: 42 } }))), 400, 'invalid_claims'],
      ['attributes not an object', async () => post(await tokenWithClaims(validClaims({ attributes: ['bsn'] }))), 400, 'invalid_claims'],
      ['a success without attributes', async () => post(await tokenWithClaims(validClaims({ attributes: undefined }))), 400, 'invalid_claims'],
      ['njwt missing', async () => post(await encryptPayload({ jwt: 'x' }, backend.ours.publicKey)), 400, 'malformed_payload'],
      ['njwt not a string', async () => post(await encryptPayload({ njwt: 42 }, backend.ours.publicKey)), 400, 'malformed_payload'],
      ['payload not JSON', async () => post(await encryptPayload('not json', backend.ours.publicKey)), 400],
    ];

    it.each(cases)('%s', async (_name, send, status, error) => {
      const response = await send();
      expect(response.status).toBe(status);
      const body = await response.json();
      expect(body).toHaveProperty('message');
      if (error) expect(body.error).toBe(error);
      expect(await storedResult()).toBeUndefined();
      // The session still takes a good result afterwards: the refusal changed nothing.
      expect((await post(await goodToken())).status).toBe(200);
    });
  });

  describe('with IDC_SESSION_URL_ORIGINS', () => {
    const withOrigins = (sessionUrl: string) => async () => {
      backend = testBackend({ ours, plugin, env: { IDC_SESSION_URL_ORIGINS: 'https://auth.gemeente.example' } });
      session = await seedSession(backend.store);
      return post(await goodToken({ status: 'succes', attributes: { bsn: '999993653' }, session_url: sessionUrl }));
    };

    it('refuses a session_url on another origin with 400 invalid_claims, storing nothing', async () => {
      const response = await withOrigins('http://10.0.0.1:8080/admin')();
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_claims', message: expect.stringContaining('IDC_SESSION_URL_ORIGINS') });
      expect(await storedResult()).toBeUndefined();
    });

    it('accepts a session_url on a listed origin', async () => {
      expect((await withOrigins('https://auth.gemeente.example/session/abc')()).status).toBe(200);
      expect((await storedResult())?.sessionUrl).toBe('https://auth.gemeente.example/session/abc');
    });
  });

  it('refuses a result for an expired session with 404', async () => {
    const short = await seedSession(backend.store, 1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const response = await post(await goodToken(), 'application/jwt', short.attrId);
    expect(response.status).toBe(404);
  });

  it('logs refusals and acceptances without attributes or ids', async () => {
    await post(await tokenWithClaims(validClaims({ sub: 'wrong' })));
    await post(await goodToken());
    const log = backend.logger.lines.join('\n');
    expect(log).toContain('result refused');
    expect(log).toContain('result accepted');
    expect(log).not.toContain('999993653');
    expect(log).not.toContain(session.attrId);
    expect(log).not.toContain(session.id);
  });
});
