import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { widgetBundleStatus } from '../src/routes/widget.ts';
import { MemorySessionStore } from '../src/store/memory-store.ts';
import { rsaKeyPair } from './support/keys.ts';
import { seedSession, SITE_ORIGIN, testBackend } from './support/backend.ts';

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
