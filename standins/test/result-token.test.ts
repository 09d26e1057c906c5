import { generateKeyPairSync, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compactDecrypt, compactVerify, decodeProtectedHeader, jwtDecrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createResultToken } from '../auth-plugin/result-token.ts';

const testdata = '/work/shared/testdata';

function rsaPair() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}
function ecPair() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

async function openToken(token: string, decryptionKey: Parameters<typeof compactDecrypt>[1], verificationKey: Parameters<typeof compactVerify>[1]) {
  const { plaintext } = await compactDecrypt(token, decryptionKey);
  const envelope = JSON.parse(new TextDecoder().decode(plaintext)) as { njwt: string };
  const { payload, protectedHeader } = await compactVerify(envelope.njwt, verificationKey);
  return { envelope, jwsHeader: protectedHeader, claims: JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown> };
}

describe('createResultToken', () => {
  it('round-trips an RSA token with the section-3 headers and claims', async () => {
    const signer = rsaPair();
    const comm = rsaPair();
    const token = await createResultToken(
      { status: 'succes', attributes: { email: 'sanne@example.nl' } },
      { signingKey: signer.privateKey, encryptionKey: comm.publicKey, iat: 1_700_000_000 },
    );
    expect(decodeProtectedHeader(token)).toEqual({ typ: 'JWT', cty: 'JWT', alg: 'RSA-OAEP', enc: 'A128CBC-HS256' });
    const opened = await openToken(token, comm.privateKey, signer.publicKey);
    expect(Object.keys(opened.envelope)).toEqual(['njwt']);
    expect(opened.jwsHeader).toEqual({ typ: 'JWT', alg: 'RS256' });
    expect(opened.claims).toEqual({
      sub: 'id-contact-attributes',
      status: 'succes',
      attributes: { email: 'sanne@example.nl' },
      iat: 1_700_000_000,
      exp: 1_700_000_300,
    });
  });

  it('uses ECDH-ES and ES256 for EC keys', async () => {
    const signer = ecPair();
    const comm = ecPair();
    const token = await createResultToken({ status: 'failed' }, { signingKey: signer.privateKey, encryptionKey: comm.publicKey });
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'JWT', cty: 'JWT', alg: 'ECDH-ES', enc: 'A128CBC-HS256' });
    const opened = await openToken(token, comm.privateKey, signer.publicKey);
    expect(opened.jwsHeader).toEqual({ typ: 'JWT', alg: 'ES256' });
    expect(opened.claims.status).toBe('failed');
    expect(opened.claims).not.toHaveProperty('attributes');
    expect((opened.claims.exp as number) - (opened.claims.iat as number)).toBe(300);
  });

  it('carries session_url and honours overrides', async () => {
    const signer = rsaPair();
    const comm = rsaPair();
    const token = await createResultToken(
      { status: 'succes', attributes: {}, session_url: 'http://auth.test/session/abc' },
      { signingKey: signer.privateKey, encryptionKey: comm.publicKey, alg: 'RSA-OAEP-256', enc: 'A256GCM', sub: 'wrong', iat: 10, exp: 20 },
    );
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM' });
    const opened = await openToken(token, comm.privateKey, signer.publicKey);
    expect(opened.claims).toEqual({ sub: 'wrong', status: 'succes', attributes: {}, session_url: 'http://auth.test/session/abc', iat: 10, exp: 20 });
  });

  it('does not verify with a different signing key', async () => {
    const signer = rsaPair();
    const comm = rsaPair();
    const token = await createResultToken({ status: 'succes', attributes: {} }, { signingKey: signer.privateKey, encryptionKey: comm.publicKey });
    await expect(openToken(token, comm.privateKey, rsaPair().publicKey)).rejects.toThrow();
  });

  it('matches the shape of the reference token in seed 003', async () => {
    const samplePrivate = createPrivateKey(readFileSync(`${testdata}/idcontact-sample-priv.pem`));
    const samplePublic = createPublicKey(readFileSync(`${testdata}/idcontact-sample-pub.pem`));
    const seed = readFileSync(`${testdata}/seed-003.jwe`, 'utf8').trim();

    const seedOpened = await openToken(seed, samplePrivate, samplePublic);
    expect(seedOpened.claims).toEqual({
      sub: 'id-contact-attributes',
      status: 'succes',
      attributes: { email: 'bla' },
      iat: 1615879800,
      exp: 1615880100,
    });
    // A JWT-aware decrypt of the outer layer also sees the envelope.
    const outer = await jwtDecrypt(seed, samplePrivate, { currentDate: new Date(1615879900 * 1000) });
    expect(Object.keys(outer.payload)).toEqual(['njwt']);

    const ours = await createResultToken(
      { status: 'succes', attributes: { email: 'bla' } },
      { signingKey: samplePrivate, encryptionKey: samplePublic, iat: 1615879800 },
    );
    expect(decodeProtectedHeader(ours)).toEqual(decodeProtectedHeader(seed));
    const oursOpened = await openToken(ours, samplePrivate, samplePublic);
    expect(oursOpened.jwsHeader).toEqual(seedOpened.jwsHeader);
    expect(oursOpened.claims).toEqual(seedOpened.claims);
  });
});
