/**
 * The built script-tag bundles, loadable from any site: `GET /widget.js` (ES
 * module) and `GET /widget.iife.js` (classic script) for `<id-contact-auth>`,
 * `GET /agent.js` and `GET /agent.iife.js` for `<id-contact-agent>`. A module
 * script from another origin is fetched in CORS mode, hence the `*`.
 *
 * Served compressed: brotli where the browser takes it (every current one
 * does), else gzip, else as is, so a resident downloads about 11 KB, not 34.
 * Each bundle is compressed once, at the highest levels, when first asked for
 * or after its file changed (a rebuild needs no restart), and carries an ETag
 * per encoding, so a revalidation costs a 304.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { errorResponse } from '../http/errors.ts';
import { BUNDLES, WIDGET_MISSING_MESSAGE } from '../http/widget-bundles.ts';

type Encoding = 'br' | 'gzip' | 'identity';

interface Representation {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

/** One bundle file as read, in every encoding served. */
interface EncodedBundle {
  mtimeMs: number;
  size: number;
  encodings: Record<Encoding, Representation>;
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

async function encode(source: Buffer): Promise<Record<Encoding, Representation>> {
  const [gzipped, brotli] = await Promise.all([
    gzipAsync(source, { level: zlib.Z_BEST_COMPRESSION }),
    brotliAsync(source, {
      params: {
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_SIZE_HINT]: source.length,
      },
    }),
  ]);
  // A strong ETag names one representation, so each encoding has its own.
  const tag = createHash('sha256').update(source).digest('base64url').slice(0, 27);
  return {
    br: { body: new Uint8Array(brotli), etag: `"${tag}-br"` },
    gzip: { body: new Uint8Array(gzipped), etag: `"${tag}-gz"` },
    identity: { body: new Uint8Array(source), etag: `"${tag}"` },
  };
}

/**
 * The encoding to send for an Accept-Encoding header: brotli, then gzip, then
 * none. A coding with `q=0` is refused; `*` stands for any coding not named.
 */
export function chooseEncoding(header: string | undefined): Encoding {
  const weights = new Map<string, number>();
  for (const item of (header ?? '').toLowerCase().split(',')) {
    const [name, ...params] = item.split(';').map((part) => part.trim());
    if (!name) continue;
    const q = params.find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const accepts = (coding: string) => (weights.get(coding) ?? weights.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return 'identity';
}

/** Whether an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

export function widgetRoutes({ config }: AppContext): Hono {
  const app = new Hono();
  // Per file: the encoded bundle, or its encoding under way (one at a time, however many ask).
  const cache = new Map<string, Promise<EncodedBundle>>();

  async function load(path: string): Promise<EncodedBundle> {
    const { mtimeMs, size } = await stat(path);
    const cached = cache.get(path);
    if (cached) {
      const bundle = await cached.catch(() => undefined);
      if (bundle && bundle.mtimeMs === mtimeMs && bundle.size === size) return bundle;
    }
    const loading = readFile(path).then(async (source) => ({ mtimeMs, size, encodings: await encode(source) }));
    cache.set(path, loading);
    loading.catch(() => cache.delete(path));
    return loading;
  }

  for (const [route, file] of Object.entries(BUNDLES)) {
    app.get(`/${route}`, async (c) => {
      let bundle: EncodedBundle;
      try {
        bundle = await load(join(config.widgetDir, file));
      } catch {
        return errorResponse(c, 404, 'widget_not_built', WIDGET_MISSING_MESSAGE);
      }
      const encoding = chooseEncoding(c.req.header('Accept-Encoding'));
      const { body, etag } = bundle.encodings[encoding];
      const headers: Record<string, string> = {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        // Short: the URL is unversioned, and sites should get fixes the same day.
        'Cache-Control': 'public, max-age=300, stale-while-revalidate=86400',
        Vary: 'Accept-Encoding',
        ETag: etag,
      };
      if (matches(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
      if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
      return c.body(body, 200, headers);
    });
  }
  return app;
}
