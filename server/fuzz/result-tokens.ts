/**
 * Result tokens (docs/protocol.md section 3) for the fuzz: valid ones, made with
 * the auth plugin's real key and ours as the demo's plugin makes them, and
 * ones that are wrong in a single layer (envelope, inner JWS, claims, key)
 * with real crypto around the wrong part, so the refusal is reached deep
 * inside the verifier rather than at the first base64 check.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createResultToken } from '../../standins/auth-plugin/result-token.ts';
import { encryptPayload, signClaims, unsignedJws, validClaims } from '../../testkit/tokens.ts';
import { Random } from './random.ts';
import { FUZZ_PERSON, type FuzzKeys } from './stand-ins.ts';

/** A key nobody trusts, made once: signing with it must never pass. */
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

export class ResultTokens {
  /** Recent valid tokens: a base to mutate from without signing anew each time (most are spent, which is fine). */
  private readonly recent: string[] = [];

  constructor(
    private readonly keys: FuzzKeys,
    /** Where a result's session_url points: the stand-in auth plugin. */
    private readonly pluginUrl: string,
  ) {}

  /**
   * A valid token that may have been used already: fresh one time in four.
   * Takes the same draws either way (see LivePool), so a seed replays the request's shape.
   */
  async reusable(random: Random): Promise<string> {
    const fresh = random.chance(0.25);
    const where = random.next();
    const own = new Random(Math.floor(random.next() * 2 ** 32));
    if (fresh || this.recent.length < 8) return this.valid(own);
    return this.recent[Math.floor(where * this.recent.length)]!;
  }

  /** A result the backend must accept (once). */
  async valid(random: Random): Promise<string> {
    const failed = random.chance(0.2);
    const token = await createResultToken(
      {
        status: failed ? 'failed' : 'succes',
        ...(failed ? {} : { attributes: FUZZ_PERSON }),
        ...(random.chance(0.3) ? { session_url: `${this.pluginUrl}/session/${random.string(16)}` } : {}),
      },
      { signingKey: this.keys.plugin.privateKey, encryptionKey: this.keys.ours.publicKey, ...(random.chance(0.3) ? { enc: 'A256GCM' } : {}) },
    );
    this.recent.push(token);
    if (this.recent.length > 32) this.recent.shift();
    return token;
  }

  /** Signed and encrypted for real, wrong in one place. */
  crafted(random: Random): Promise<string> {
    const { plugin, ours } = this.keys;
    const sealed = (payload: unknown) => encryptPayload(payload, ours.publicKey);
    const signed = (claims: unknown, key: KeyObject | Uint8Array = plugin.privateKey, alg = 'RS256') =>
      signClaims(claims, key, alg).then((njwt) => sealed({ njwt }));
    const now = Math.floor(Date.now() / 1000);
    const variants: (() => Promise<string>)[] = [
      () => signed(validClaims({ sub: random.pick(['', 'id-contact-attribute', 'x'.repeat(500)]) })),
      () => signed(validClaims({ status: random.pick(['success', 'SUCCES', '', null, 1, ['succes']]) })),
      () => signed(validClaims({ attributes: random.pick([{ bsn: 1 }, [], 'bsn', null, { a: { b: 'c' } }, { ['x'.repeat(1000)]: 'y' }]) })),
      () => signed(validClaims({ attributes: undefined })),
      () => signed(validClaims({ exp: random.pick([now - 3600, 0, -1, 'soon', 1e308, null]) })),
      () => signed(validClaims({ iat: random.pick([now + 3600, now - 7200, 'now', null, -1e308]) })),
      () => signed(validClaims({ session_url: random.pick(['javascript:alert(1)', 'ftp://x/', 'not a url', 'http://' + 'a'.repeat(3000), 42]) })),
      () => signed(validClaims({ extra: random.string(random.between(1, 3000)) })),
      () => signed({ ...validClaims(), ...JSON.parse('{"__proto__":{"polluted":true}}') }),
      () => signed({ ...validClaims(), constructor: { prototype: { polluted: true } } }),
      () => signed(random.pick([[], 'claims', 42, null, true])),
      () => signed(validClaims(), stranger.privateKey),
      () => signed(validClaims(), plugin.privateKey, 'PS256'),
      // The public key's PEM as an HMAC secret: the classic algorithm confusion.
      () => signed(validClaims(), new TextEncoder().encode(this.keys.plugin.publicPem), 'HS256'),
      () => sealed({ njwt: unsignedJws(validClaims()) }),
      () => sealed({ njwt: random.pick([42, null, '', ['a'], { a: 1 }, 'a.b.c', 'x'.repeat(5000)]) }),
      () => sealed(random.pick([{}, [], 'njwt', null, { jwt: 'a.b.c' }])),
      () => signClaims(validClaims(), plugin.privateKey, 'RS256'), // a bare JWS where a JWE belongs
      () => signClaims(validClaims(), plugin.privateKey, 'RS256').then((njwt) => encryptPayload({ njwt }, stranger.publicKey)),
      () => signClaims(validClaims(), plugin.privateKey, 'RS256').then((njwt) => encryptPayload({ njwt }, ours.publicKey, 'RSA-OAEP-256', 'A128GCM')),
      () => signClaims(validClaims(), plugin.privateKey, 'RS256').then((njwt) => encryptPayload({ njwt }, ours.publicKey, 'RSA-OAEP-384')),
    ];
    return random.pick(variants)();
  }
}
