import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthResultError, verifyAuthResult } from '../src/results/auth-result.ts';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { ecKeyPair, rsaKeyPair } from '../../testkit/keys.ts';
import { sharedDir } from '../../testkit/shared-dir.ts';
import { encryptPayload, nowSeconds, signClaims, validClaims } from '../../testkit/tokens.ts';

const ours = rsaKeyPair();
const plugin = rsaKeyPair();
const keys = { decryptionKey: ours.privateKey, signatureKeys: [plugin.publicKey] };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthResultError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('verifyAuthResult', () => {
  it('accepts the reference shape and keeps only status, attributes and session_url', async () => {
    const token = await createResultToken(
      { status: 'succes', attributes: { email: 'a@example.nl' }, session_url: 'https://auth.example/session/1' },
      { signingKey: plugin.privateKey, encryptionKey: ours.publicKey },
    );
    const { result, expiresAt } = await verifyAuthResult(token, keys);
    expect(result).toEqual({
      status: 'succes',
      attributes: { email: 'a@example.nl' },
      sessionUrl: 'https://auth.example/session/1',
    });
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('reads a failed result as carrying no attributes', async () => {
    const token = await createResultToken({ status: 'failed' }, { signingKey: plugin.privateKey, encryptionKey: ours.publicKey });
    expect((await verifyAuthResult(token, keys)).result).toEqual({ status: 'failed', attributes: {} });
  });

  it.each([
    ['RSA-OAEP-256', 'A128CBC-HS256'],
    ['RSA-OAEP', 'A256GCM'],
  ])('accepts %s with %s for an RSA key', async (alg, enc) => {
    const jwe = await encryptPayload({ njwt: await signClaims(validClaims(), plugin.privateKey, 'RS256') }, ours.publicKey, alg, enc);
    expect(await codeOf(verifyAuthResult(jwe, keys))).toBe('accepted');
  });

  it('accepts PS256 signatures from an RSA key', async () => {
    const jwe = await encryptPayload({ njwt: await signClaims(validClaims(), plugin.privateKey, 'PS256') }, ours.publicKey);
    expect(await codeOf(verifyAuthResult(jwe, keys))).toBe('accepted');
  });

  it('works with EC keys on both layers (ECDH-ES, ES256)', async () => {
    const ecOurs = ecKeyPair();
    const ecPlugin = ecKeyPair();
    const token = await createResultToken(
      { status: 'succes', attributes: { bsn: '999993653' } },
      { signingKey: ecPlugin.privateKey, encryptionKey: ecOurs.publicKey },
    );
    const { result } = await verifyAuthResult(token, { decryptionKey: ecOurs.privateKey, signatureKeys: [ecPlugin.publicKey] });
    expect(result.attributes).toEqual({ bsn: '999993653' });
  });

  it('tries each configured signature key, of either type', async () => {
    const other = ecKeyPair();
    const token = await createResultToken(
      { status: 'succes', attributes: { email: 'x@example.nl' } },
      { signingKey: plugin.privateKey, encryptionKey: ours.publicKey },
    );
    const many = { decryptionKey: ours.privateKey, signatureKeys: [other.publicKey, rsaKeyPair().publicKey, plugin.publicKey] };
    expect(await codeOf(verifyAuthResult(token, many))).toBe('accepted');
  });

  it('allows 30 seconds of clock skew on exp, and no more', async () => {
    const iat = nowSeconds() - 300;
    const sign = (exp: number) =>
      createResultToken({ status: 'succes', attributes: {} }, { signingKey: plugin.privateKey, encryptionKey: ours.publicKey, iat, exp });
    expect(await codeOf(verifyAuthResult(await sign(nowSeconds() - 20), keys))).toBe('accepted');
    expect(await codeOf(verifyAuthResult(await sign(nowSeconds() - 40), keys))).toBe('expired');
  });

  it('refuses a result issued in the future beyond the tolerance', async () => {
    const iat = nowSeconds() + 120;
    const token = await createResultToken(
      { status: 'succes', attributes: {} },
      { signingKey: plugin.privateKey, encryptionKey: ours.publicKey, iat, exp: iat + 300 },
    );
    expect(await codeOf(verifyAuthResult(token, keys))).toBe('invalid_claims');
  });

  it('refuses an ES256 header when only RSA keys are trusted', async () => {
    const ec = ecKeyPair();
    const jwe = await encryptPayload({ njwt: await signClaims(validClaims(), ec.privateKey, 'ES256') }, ours.publicKey);
    expect(await codeOf(verifyAuthResult(jwe, keys))).toBe('invalid_signature');
  });

  it('refuses RSA-OAEP-384 key management, outside the allow-list, even with the right key', async () => {
    const jwe = await encryptPayload({ njwt: await signClaims(validClaims(), plugin.privateKey, 'RS256') }, ours.publicKey, 'RSA-OAEP-384');
    expect(await codeOf(verifyAuthResult(jwe, keys))).toBe('decryption_failed');
  });

  it('never quotes attribute values in its error messages', async () => {
    const claims = validClaims({ sub: 'someone-else', attributes: { bsn: '999993653' } });
    const jwe = await encryptPayload({ njwt: await signClaims(claims, plugin.privateKey, 'RS256') }, ours.publicKey);
    const error = await verifyAuthResult(jwe, keys).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(AuthResultError);
    expect((error as Error).message).not.toContain('999993653');
  });
});

describe('conformance: the reference token from seed 003', () => {
  const testdata = pathToFileURL(`${sharedDir()}/testdata/`);
  const token = readFileSync(new URL('seed-003.jwe', testdata), 'utf8');
  const sampleKeys = {
    decryptionKey: createPrivateKey(readFileSync(new URL('idcontact-sample-priv.pem', testdata))),
    signatureKeys: [createPublicKey(readFileSync(new URL('idcontact-sample-pub.pem', testdata)))],
  };

  it('decrypts and verifies when the clock is inside its window', async () => {
    const { result } = await verifyAuthResult(token, sampleKeys, { now: new Date('2021-03-16T07:32:00Z') });
    expect(result).toEqual({ status: 'succes', attributes: { email: 'bla' } });
  });

  it('is refused as expired today', async () => {
    expect(await codeOf(verifyAuthResult(token, sampleKeys))).toBe('expired');
  });
});
