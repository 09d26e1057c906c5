import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseEncoding } from '../src/routes/widget.ts';
import { widgetBundleStatus } from '../src/http/widget-bundles.ts';
import { MemorySessionStore } from '../src/store/memory-store.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';
import { seedSession, SITE_ORIGIN, testBackend } from '../../testkit/backend.ts';

const ours = rsaKeyPair();
const plugin = rsaKeyPair();

const BUNDLE_FILES = ['id-contact-auth.js', 'id-contact-auth.iife.js', 'id-contact-agent.js', 'id-contact-agent.iife.js'];

/** A temp IDC_WIDGET_DIR holding the bundles named (all four unless told). */
function widgetDir(files: string[] = BUNDLE_FILES): string {
  const dir = mkdtempSync(join(tmpdir(), 'idc-widget-'));
  for (const file of files) writeFileSync(join(dir, file), '/* bundle */');
  return dir;
}

/** A store that cannot be reached, as Redis away looks to /readyz. */
class UnreachableStore extends MemorySessionStore {
  async ping(): Promise<void> {
    throw new Error('unreachable');
  }
}

describe('GET /healthz', () => {
  it('answers ok, saying the widget bundle is there', async () => {
    const response = await testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: widgetDir() } }).app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', widget: 'ok' });
  });

  it('still answers 200 without the widget bundle (the process lives), saying it is missing', async () => {
    const response = await testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: join(widgetDir([]), 'nowhere') } }).app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', widget: 'missing' });
  });
});

describe('GET /readyz', () => {
  it('is ready with the store and every bundle', async () => {
    const response = await testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: widgetDir() } }).app.request('/readyz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it.each([
    ['the whole folder', () => join(widgetDir([]), 'nowhere')],
    ['only the agent bundle', () => widgetDir(BUNDLE_FILES.filter((file) => !file.startsWith('id-contact-agent')))],
  ])('answers 503 naming the build command when the widget bundle is missing (%s)', async (_, dir) => {
    const response = await testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: dir() } }).app.request('/readyz');
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBeNull();
    const body = await response.json();
    expect(body).toMatchObject({ status: 'unavailable', widget: 'missing' });
    expect(body.store).toBeUndefined();
    expect(body.message).toContain('widget bundle is missing');
    expect(body.message).toContain('npm run build:widget');
  });

  it('says both when the store is unreachable and the bundle missing; the store alone keeps its Retry-After', async () => {
    const store = new UnreachableStore();
    const both = await testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: join(widgetDir([]), 'nowhere') }, deps: { store } }).app.request('/readyz');
    expect(both.status).toBe(503);
    expect(await both.json()).toMatchObject({ status: 'unavailable', store: 'unavailable', widget: 'missing' });
    const storeOnly = await testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: widgetDir() }, deps: { store } }).app.request('/readyz');
    expect(storeOnly.status).toBe(503);
    expect(storeOnly.headers.get('Retry-After')).toBe('5');
    expect(await storeOnly.json()).toEqual({ status: 'unavailable' });
  });

  it('is ready once the bundle is built, without a restart', async () => {
    const dir = widgetDir(BUNDLE_FILES.slice(1));
    const { app } = testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: dir } });
    expect((await app.request('/readyz')).status).toBe(503);
    writeFileSync(join(dir, BUNDLE_FILES[0]!), '/* bundle */');
    expect((await app.request('/readyz')).status).toBe(200);
    rmSync(dir, { recursive: true });
    expect((await app.request('/readyz')).status).toBe(503);
  });
});

describe('widgetBundleStatus', () => {
  it('names the missing bundle files, never the folder', async () => {
    const dir = widgetDir(['id-contact-auth.js', 'id-contact-agent.js']);
    expect(await widgetBundleStatus({ widgetDir: dir })).toEqual({ widget: 'missing', missing: ['id-contact-auth.iife.js', 'id-contact-agent.iife.js'] });
    expect(await widgetBundleStatus({ widgetDir: widgetDir() })).toEqual({ widget: 'ok', missing: [] });
  });
});

describe('headers on every answer', () => {
  it('sends nosniff and the request id on answers, refusals and errors alike', async () => {
    const { app } = testBackend({ ours, plugin });
    const answers = [
      await app.request('/healthz'),
      await app.request('/no-such-route'),
      await app.request('/attributes/unknown', { method: 'POST', headers: { 'Content-Type': 'application/jwt' }, body: 'x' }),
      await app.request('/sessions', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN }, body: '{' }),
    ];
    for (const response of answers) {
      expect(response.headers.get('X-Content-Type-Options'), String(response.status)).toBe('nosniff');
      expect(response.headers.get('X-Request-Id'), String(response.status)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('GET /widget.js, /widget.iife.js, /agent.js and /agent.iife.js', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idc-widget-'));
  writeFileSync(join(dir, 'id-contact-auth.js'), 'export class IdContactAuth {}');
  writeFileSync(join(dir, 'id-contact-auth.iife.js'), '(function(){})();');
  writeFileSync(join(dir, 'id-contact-agent.js'), 'export class IdContactAgent {}');
  writeFileSync(join(dir, 'id-contact-agent.iife.js'), '(function(){ /* agent */ })();');

  it.each([
    ['/widget.js', 'export class IdContactAuth {}'],
    ['/widget.iife.js', '(function(){})();'],
    ['/agent.js', 'export class IdContactAgent {}'],
    ['/agent.iife.js', '(function(){ /* agent */ })();'],
  ])('serves %s as JavaScript loadable from any origin', async (path, content) => {
    const { app } = testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: dir } });
    const response = await app.request(path, { headers: { Origin: 'https://any-site.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    expect(await response.text()).toBe(content);
  });

  describe('compressed, with an ETag per encoding', () => {
    // Large enough that compressing pays, like the real bundles.
    const source = `export class IdContactAuth {}\n${Array.from({ length: 400 }, (_, i) => `const line${i} = 'text ${i}';`).join('\n')}`;
    const bundleDir = mkdtempSync(join(tmpdir(), 'idc-widget-'));
    for (const file of BUNDLE_FILES) writeFileSync(join(bundleDir, file), source);
    const { app } = testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: bundleDir } });
    const get = (headers: Record<string, string>) => app.request('/widget.js', { headers });
    const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

    it('sends brotli to a browser that takes it, gzip to one that takes only gzip, else the file as is', async () => {
      const brotli = await get({ 'Accept-Encoding': 'gzip, deflate, br, zstd' });
      expect(brotli.headers.get('content-encoding')).toBe('br');
      expect(brotli.headers.get('vary')).toBe('Accept-Encoding');
      const brotliBody = await bytes(brotli);
      expect(brotliBody.length).toBeLessThan(source.length / 4);
      expect(brotliDecompressSync(brotliBody).toString()).toBe(source);

      const gzipped = await get({ 'Accept-Encoding': 'gzip' });
      expect(gzipped.headers.get('content-encoding')).toBe('gzip');
      expect(gunzipSync(await bytes(gzipped)).toString()).toBe(source);

      const plain = await get({});
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(plain.headers.get('vary')).toBe('Accept-Encoding');
      expect(await plain.text()).toBe(source);
    });

    it('answers a revalidation with its ETag with 304 and no body; another encoding has another ETag', async () => {
      const first = await get({ 'Accept-Encoding': 'br' });
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await get({ 'Accept-Encoding': 'br', 'If-None-Match': `W/${etag}, "other"` });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect((await bytes(again)).length).toBe(0);
      const gzipped = await get({ 'Accept-Encoding': 'gzip', 'If-None-Match': etag });
      expect(gzipped.status).toBe(200);
      expect(gzipped.headers.get('etag')).not.toBe(etag);
    });

    it('serves a rebuilt bundle without a restart', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'idc-widget-'));
      for (const file of BUNDLE_FILES) writeFileSync(join(dir, file), source);
      const backend = testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: dir } });
      const before = await backend.app.request('/widget.js', { headers: { 'Accept-Encoding': 'gzip' } });
      writeFileSync(join(dir, 'id-contact-auth.js'), `${source}\n// rebuilt`);
      const after = await backend.app.request('/widget.js', { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gunzipSync(await bytes(after)).toString()).toBe(`${source}\n// rebuilt`);
      expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    });
  });

  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['BR;Q=0.5', 'br'],
    ['*', 'br'],
    ['*;q=0, gzip;q=0.1', 'gzip'],
    ['deflate', 'identity'],
    ['gzip;q=0', 'identity'],
    ['gzip;q=nonsense', 'identity'],
    ['', 'identity'],
  ])('chooses the encoding for Accept-Encoding %j: %s', (header, encoding) => {
    expect(chooseEncoding(header)).toBe(encoding);
  });

  it.each(['/widget.js', '/agent.js'])('says how to build the widget when %s is missing', async (path) => {
    const { app } = testBackend({ ours, plugin, env: { IDC_WIDGET_DIR: join(dir, 'missing') } });
    const response = await app.request(path);
    expect(response.status).toBe(404);
    const body = await response.json();
    expect(body.error).toBe('widget_not_built');
    expect(body.message).toContain('npm run build:widget');
    expect(body.message).toContain('`npm run build`');
  });
});

describe('robustness: input never causes a 500', () => {
  it.each([
    ['GET', '/session_options/'],
    ['GET', `/session_options/${'a'.repeat(5000)}`],
    ['GET', '/session_options/%E0%A4%A'],
    ['POST', '/sessions', '{"purpose":'],
    ['POST', '/sessions', '[]'],
    ['POST', '/sessions', 'null'],
    ['POST', '/sessions', JSON.stringify({ purpose: 'x'.repeat(300), auth_method: 'irma' })],
    ['GET', '/sessions/%00/events?token=%FF'],
    ['GET', '/sessions//events'],
    ['POST', '/attributes/', 'x'],
    ['POST', '/attributes/%2e%2e', 'x'],
    ['POST', '/attributes/x', '\u0000\u0001'],
    ['GET', '/return/%E0%A4%A?result=%'],
    ['GET', `/return/x?result=${'a.'.repeat(5)}a`],
    ['DELETE', '/sessions'],
    ['PUT', '/attributes/x', 'x'],
    ['GET', '/nowhere'],
  ])('%s %s', async (method, path, body?: string) => {
    const { app } = testBackend({ ours, plugin });
    const response = await app.request(path, {
      method,
      body,
      headers: body === undefined ? {} : { 'Content-Type': path.startsWith('/attributes') ? 'application/jwt' : 'application/json', Origin: SITE_ORIGIN },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('refuses a huge attr_url body without reading it all', async () => {
    const { app, store } = testBackend({ ours, plugin });
    const session = await seedSession(store);
    const response = await app.request(`/attributes/${session.attrId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/jwt' },
      body: 'a'.repeat(5 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
  });
});
