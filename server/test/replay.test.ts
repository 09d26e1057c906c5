/**
 * A result is used once, whatever its spelling. Base64url segments whose
 * length is not a multiple of 4 carry spare low bits in their last character
 * that decoders ignore, so one token has many spellings; and whoever holds our
 * public key can wrap the same signed result in a fresh JWE. Both must be
 * refused wherever a result can arrive: attr_url, the return page, attach.
 */
import { compactDecrypt } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { digest, randomSecret } from '../src/crypto/secrets.ts';
import { seedSession, SITE_ORIGIN, testBackend } from '../../testkit/backend.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';
import { encryptPayload, respellSegment } from '../../testkit/tokens.ts';

const ours = rsaKeyPair();
const plugin = rsaKeyPair();
let backend: ReturnType<typeof testBackend>;
beforeEach(() => {
  backend = testBackend({ ours, plugin });
});

const SEGMENTS = ['protected header', 'encrypted key', 'iv', 'ciphertext', 'tag'];

const goodToken = () =>
  createResultToken({ status: 'succes', attributes: { bsn: '999993653' } }, { signingKey: plugin.privateKey, encryptionKey: ours.publicKey });

/** Every spelling of `token` that differs only in spare bits, one per segment that has them. */
function respellings(token: string): Array<[string, string]> {
  return SEGMENTS.flatMap((name, index) => {
    const variant = respellSegment(token, index);
    return variant === undefined ? [] : [[name, variant] as [string, string]];
  });
}

/** The signed result inside `token`, in a new JWE: a different string carrying the same result. */
async function rewrapped(token: string): Promise<string> {
  const { plaintext } = await compactDecrypt(token, ours.privateKey);
  return encryptPayload(JSON.parse(new TextDecoder().decode(plaintext)), ours.publicKey);
}

async function postToAttrUrl(token: string) {
  const session = await seedSession(backend.store);
  const response = await backend.app.request(`/attributes/${session.attrId}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/jwt' },
    body: token,
  });
  return { response, session };
}

async function openReturnPage(token: string) {
  const session = await seedSession(backend.store);
  const response = await backend.app.request(`/return/${session.id}?result=${token}`);
  return { response, session };
}

async function attachWith(token: string) {
  const reference = randomSecret();
  const session = { id: randomSecret() };
  const now = Date.now();
  await backend.store.create({
    id: session.id,
    identityId: randomSecret(),
    purpose: 'report_move',
    streamTokenDigest: digest(randomSecret()),
    referenceDigest: digest(reference),
    createdAt: now,
    expiresAt: now + 900_000,
  });
  const response = await backend.app.request('/sessions/attach', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
    body: JSON.stringify({ reference, result: token }),
  });
  return { response, session };
}

const ROUTES = [
  ['attr_url', postToAttrUrl],
  ['return page', openReturnPage],
  ['attach', attachWith],
] as const;

describe('a used result, spelled again', () => {
  it('has spare bits to flip in the encrypted key, iv and tag of an RSA result (the test covers them)', async () => {
    const names = respellings(await goodToken()).map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['encrypted key', 'iv', 'tag']));
  });

  describe.each(ROUTES)('at the %s', (_route, send) => {
    it('is refused in every segment with spare bits, and reaches no session', async () => {
      const token = await goodToken();
      const first = await send(token);
      expect(first.response.status).toBeLessThan(300);
      for (const [segment, variant] of respellings(token)) {
        const { response, session } = await send(variant);
        expect(response.status, segment).toBe(400);
        expect((await backend.store.get(session.id))?.result, segment).toBeUndefined();
      }
    });

    it('is refused even when unused: only the canonical spelling is a result', async () => {
      for (const [segment, variant] of respellings(await goodToken())) {
        const { response, session } = await send(variant);
        expect(response.status, segment).toBe(400);
        expect((await backend.store.get(session.id))?.result, segment).toBeUndefined();
      }
    });

    it('is refused as a replay when the same signed result comes in a fresh JWE', async () => {
      const token = await goodToken();
      expect((await send(token)).response.status).toBeLessThan(300);
      const { response, session } = await send(await rewrapped(token));
      expect(response.status).toBe(409);
      expect((await backend.store.get(session.id))?.result).toBeUndefined();
    });
  });

  it('accepts two failed results that are byte for byte the same on two sessions: a failure carries no identity', async () => {
    const iat = Math.floor(Date.now() / 1000);
    const failed = () => createResultToken({ status: 'failed' }, { signingKey: plugin.privateKey, encryptionKey: ours.publicKey, iat });
    expect((await postToAttrUrl(await failed())).response.status).toBe(200);
    const { response, session } = await postToAttrUrl(await failed());
    expect(response.status).toBe(200);
    expect((await backend.store.get(session.id))?.result?.status).toBe('failed');
  });

  it('answers the JSON routes with the error code malformed_token', async () => {
    const [, variant] = respellings(await goodToken())[0]!;
    const { response } = await postToAttrUrl(variant);
    expect(await response.json()).toMatchObject({ error: 'malformed_token' });
  });

  it('refuses a signed result whose inner JWS is spelled non-canonically', async () => {
    const token = await goodToken();
    const { plaintext } = await compactDecrypt(token, ours.privateKey);
    const { njwt } = JSON.parse(new TextDecoder().decode(plaintext)) as { njwt: string };
    const respelledJws = [0, 1, 2].map((index) => respellSegment(njwt, index)).find((variant) => variant !== undefined)!;
    const { response, session } = await postToAttrUrl(await encryptPayload({ njwt: respelledJws }, ours.publicKey));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'malformed_payload' });
    expect((await backend.store.get(session.id))?.result).toBeUndefined();
  });
});
