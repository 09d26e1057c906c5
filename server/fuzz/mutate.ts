/**
 * Mutations of the parts of a request: strings, JSON values, bytes, paths,
 * query strings, header values and compact JOSE tokens. Each takes a valid
 * part and returns a variant that is a little or very wrong; which one is up
 * to the seeded Random.
 */
import type { Random } from './random.ts';

/** Strings that have broken parsers before. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\uffff',
  '%',
  '%00',
  '%zz',
  '%c0%af',
  '%2e%2e%2f',
  '../../etc/passwd',
  '..',
  '.',
  '//',
  '\\',
  '\r\n',
  '"',
  "'",
  '<script>',
  '${7*7}',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e999',
  '9'.repeat(400),
  'Ω≈ç√',
  '😀',
  'ｆｕｌｌ',
];

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'FUZZ', 'get', 'Post'];

export function nastyString(random: Random): string {
  if (random.chance(0.3)) return random.string(random.length());
  if (random.chance(0.1)) return random.bytes(random.between(1, 200)).toString('latin1');
  return random.pick(NASTY_STRINGS);
}

export function mutateString(random: Random, value: string): string {
  const at = random.int(value.length + 1);
  switch (random.int(8)) {
    case 0:
      return nastyString(random);
    case 1:
      return value.slice(0, at);
    case 2:
      return value.slice(0, at) + nastyString(random) + value.slice(at);
    case 3:
      return value + value.repeat(random.between(1, 50));
    case 4:
      return value.toUpperCase();
    case 5:
      return value.slice(0, at) + String.fromCharCode(random.int(0x10000)) + value.slice(at + 1);
    case 6:
      return ` ${value}\n`;
    default:
      return value.slice(0, at) + value.slice(at + 1);
  }
}

/** A random JSON value, nested at most `depth` deep. */
export function randomJson(random: Random, depth = 3): unknown {
  switch (random.int(depth > 0 ? 7 : 5)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1]);
    case 3:
    case 4:
      return nastyString(random);
    case 5:
      return Array.from({ length: random.int(5) }, () => randomJson(random, depth - 1));
    default:
      return Object.fromEntries(Array.from({ length: random.int(5) }, () => [nastyString(random), randomJson(random, depth - 1)]));
  }
}

/** A mutated copy of a flat JSON object (the request bodies are all flat). */
export function mutateObject(random: Random, value: Record<string, unknown>): unknown {
  const copy: Record<string, unknown> = { ...value };
  const keys = Object.keys(copy);
  const key = keys.length ? random.pick(keys) : 'x';
  switch (random.int(9)) {
    case 0:
      delete copy[key];
      return copy;
    case 1:
      copy[key] = randomJson(random);
      return copy;
    case 2:
      copy[key] = typeof copy[key] === 'string' ? mutateString(random, copy[key] as string) : nastyString(random);
      return copy;
    case 3:
      copy[nastyString(random)] = randomJson(random);
      return copy;
    case 4:
      return randomJson(random);
    case 5: {
      // Deep nesting: a recursive parser or validator would overflow its stack.
      let nested: unknown = copy;
      for (let depth = random.between(100, 3000); depth > 0; depth--) nested = random.chance(0.5) ? [nested] : { [key]: nested };
      return nested;
    }
    case 6:
      return { ...copy, ...JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') };
    case 7:
      copy[key] = 'x'.repeat(random.between(200, 300_000));
      return copy;
    default:
      return [copy];
  }
}

export function mutateBytes(random: Random, bytes: Buffer): Buffer {
  const at = random.int(bytes.length + 1);
  switch (random.int(6)) {
    case 0:
      return bytes.subarray(0, at);
    case 1:
      return Buffer.concat([bytes.subarray(0, at), random.bytes(random.between(1, 64)), bytes.subarray(at)]);
    case 2: {
      const copy = Buffer.from(bytes);
      for (let i = random.between(1, 8); i > 0 && copy.length; i--) copy[random.int(copy.length)] = random.int(256);
      return copy;
    }
    case 3:
      return random.bytes(random.length());
    case 4:
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]); // a byte-order mark
    default:
      return Buffer.alloc(0);
  }
}

/** A mutated path: segments swapped for junk, added, dropped, dot segments, long ones. */
export function mutatePath(random: Random, path: string): string {
  const [pathname = '/', query] = path.split(/\?(.*)/s, 2);
  const segments = pathname.split('/');
  const i = random.between(1, Math.max(1, segments.length - 1));
  switch (random.int(9)) {
    case 0:
      segments[i] = encodeJunk(random);
      break;
    case 1:
      segments.splice(i, 0, encodeJunk(random));
      break;
    case 2:
      segments.splice(i, 1);
      break;
    case 3:
      segments.splice(i, 0, random.pick(['..', '.', '%2e%2e', '%2E', '']));
      break;
    case 4:
      segments[i] = (segments[i] ?? '') + random.string(random.length());
      break;
    case 5:
      segments[i] = percentEncode(mutateString(random, segments[i] ?? ''));
      break;
    case 6:
      segments.push('');
      break;
    case 7:
      return `${pathname}?${mutateQuery(random, query ?? '')}`;
    default:
      segments[i] = (segments[i] ?? '').toUpperCase();
  }
  const out = segments.join('/') || '/';
  return query !== undefined ? `${out}?${query}` : out;
}

/** Percent-encodes the UTF-8 of any string (lone surrogates too, which encodeURIComponent refuses). */
export function percentEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`)).join('');
}

/** Junk that the HTTP client can still put on the request line: percent-encoded, or printable. */
export function encodeJunk(random: Random): string {
  const raw = nastyString(random);
  if (random.chance(0.3)) return raw.replace(/[^\x21-\x7e]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').slice(-2)}`);
  return percentEncode(raw);
}

export function mutateQuery(random: Random, query: string): string {
  const params = query ? query.split('&') : [];
  switch (random.int(6)) {
    case 0:
      return [...params, ...params].join('&'); // every parameter twice
    case 1:
      return params.map((p) => p.replace('=', '[]=')).join('&');
    case 2:
      return [...params, `${encodeJunk(random)}=${encodeJunk(random)}`].join('&');
    case 3:
      return params.map((p) => p.split('=')[0]).join('&'); // names without values
    case 4:
      return `${query}&${'a=b&'.repeat(random.between(10, 3000))}`;
    default:
      return params.map((p) => `${p.split('=')[0]}=${encodeJunk(random)}`).join('&');
  }
}

/** A header value Node's client will still send (no CR, LF or NUL). */
export function headerJunk(random: Random): string {
  const value = random.chance(0.5) ? nastyString(random) : random.string(random.length());
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

const b64 = (value: string) => Buffer.from(value).toString('base64url');

/** A compact JOSE token with one thing wrong: a segment, the header's claims, its shape. */
export function mutateToken(random: Random, token: string, other?: string): string {
  const parts = token.split('.');
  const k = random.int(parts.length);
  switch (random.int(11)) {
    case 0: {
      const segment = parts[k] ?? '';
      const at = random.int(segment.length || 1);
      const flipped = segment[at] === 'A' ? 'B' : 'A';
      parts[k] = segment.slice(0, at) + flipped + segment.slice(at + 1);
      return parts.join('.');
    }
    case 1:
      return token.slice(0, random.int(token.length));
    case 2:
      parts.splice(k, 1);
      return parts.join('.');
    case 3:
      parts.splice(k, 0, b64(random.string(random.between(0, 40))));
      return parts.join('.');
    case 4:
      if (other) parts[k] = other.split('.')[k] ?? '';
      return parts.join('.');
    case 5: {
      // A protected header that claims another algorithm (the AAD no longer matches, which must not matter).
      const header = { typ: 'JWT', cty: 'JWT', alg: 'RSA-OAEP', enc: 'A128CBC-HS256' } as Record<string, unknown>;
      const field = random.pick(['alg', 'enc', 'zip', 'crit', 'jku', 'jwk', 'kid', 'p2c', 'epk']);
      header[field] = random.pick(['none', 'dir', 'RSA1_5', 'HS256', 'ECDH-ES', 'PBES2-HS256+A128KW', 'DEF', ['x'], { kty: 'oct' }, 1e9, randomJson(random)]);
      parts[0] = b64(JSON.stringify(header));
      return parts.join('.');
    }
    case 6:
      parts[0] = b64(random.pick(['not json', '[]', 'null', '{"alg":', '"x"', '{"alg":"RSA-OAEP","enc":"A128CBC-HS256","__proto__":{"x":1}}']));
      return parts.join('.');
    case 7:
      parts[k] = (parts[k] ?? '') + random.pick(['=', '==', '+', '/', ' ', '\t', '%', '.']);
      return parts.join('.');
    case 8:
      return `${token}.${token}`;
    case 9:
      // Around the 16 KB a result may have.
      return token + 'A'.repeat(Math.max(0, random.pick([1, 100, 16 * 1024 - token.length, 16 * 1024 - token.length + 1, 20_000])));
    default:
      return random.chance(0.5) ? `${token}\n` : ` ${token} `;
  }
}
