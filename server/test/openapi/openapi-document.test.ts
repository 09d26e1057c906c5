/**
 * The OpenAPI description (server/src/openapi): served, complete (every route the app
 * answers, every error code the backend can give), valid to a real linter (Redocly's
 * recommended rules), and the generated client types and dist/openapi.json current.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConfig, lintDocument, makeDocumentFromString, BaseResolver } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApp, type RunningServer } from '../../src/http/serve.ts';
import { testBackend } from '../../../testkit/backend.ts';
import { builtDocument, DOCUMENT_FILE, generatedTypes, TYPES_FILE } from '../../../scripts/build-openapi.ts';

type Json = Record<string, any>;
const ROOT = new URL('../../../', import.meta.url).pathname;
const METHODS = ['get', 'post', 'delete', 'put', 'patch'];

let backend: ReturnType<typeof testBackend>;
let server: RunningServer;
let served: Response;
let document: Json;

beforeAll(async () => {
  backend = testBackend({ env: { IDC_INTERNAL_URL: 'http://idc-backend.internal:8080' } });
  server = await serveApp(backend.app);
  served = await fetch(`${server.url}/openapi.json`, { headers: { Origin: 'https://elsewhere.example' } });
  document = await served.json();
});

afterAll(() => server.close());

/** `/sessions/:id/events` and `/sessions/{session_id}/events` alike: `/sessions/{}/events`. */
function shape(path: string): string {
  return path.replace(/:[^/]+|\{[^}]+\}/g, '{}');
}

function documentedErrorCodes(value: unknown, codes = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => documentedErrorCodes(item, codes));
  else if (value && typeof value === 'object') {
    const error = (value as Json).properties?.error;
    if (Array.isArray(error?.enum)) error.enum.forEach((code: string) => codes.add(code));
    Object.values(value).forEach((inner) => documentedErrorCodes(inner, codes));
  }
  return codes;
}

/** Every JSON error code written in the backend's source: the calls that answer one, and the code types. */
function sourceErrorCodes(): Set<string> {
  const codes = new Set<string>();
  const dir = join(ROOT, 'server/src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  for (const file of files) {
    const source = readFileSync(join(dir, file), 'utf8');
    const patterns = [
      /errorResponse\(c, \d+, '(\w+)'/g,
      /busyResponse\(c, '(\w+)'/g,
      /refuse\(\d+, '(\w+)'/g,
      /\berror: '(\w+)'/g,
    ];
    for (const pattern of patterns) for (const match of source.matchAll(pattern)) codes.add(match[1]!);
    for (const union of source.matchAll(/export type \w+ErrorCode =([^;]+);/g)) {
      for (const member of union[1]!.matchAll(/'(\w+)'/g)) codes.add(member[1]!);
    }
  }
  return codes;
}

/** Codes no operation can list, and why. */
const OUTSIDE_OPERATIONS: Record<string, string> = {
  not_found: 'the answer for a path that is no route',
  internal_error: 'a bug, never an answer to input',
  request_aborted: 'the client went away mid-body: nobody reads the answer',
};

/** Redocly findings accepted, each with its reason; any other finding fails. */
const ACCEPTED_FINDINGS: Record<string, string> = {
  'operation-2xx-response #/paths/~1launch~1{session_id}/get/responses': 'a launch by GET exists only to be refused (405): a launch is a form POST',
  'operation-4xx-response #/paths/~1healthz/get/responses': 'liveness answers 200 whatever the request',
  'operation-4xx-response #/paths/~1readyz/get/responses': 'readiness answers 200 or 503 whatever the request',
  'operation-4xx-response #/paths/~1openapi.json/get/responses': 'the document is there for anyone',
};

describe('the OpenAPI document', () => {
  it('is served at GET /openapi.json to any page, with the deployment’s public and internal URLs', () => {
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^application\/json/);
    expect(served.headers.get('access-control-allow-origin')).toBe('*');
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.servers).toEqual([expect.objectContaining({ url: backend.config.publicUrl })]);
    expect(document.paths['/attributes/{attr_id}'].post.servers).toEqual([expect.objectContaining({ url: 'http://idc-backend.internal:8080' })]);
    // No secret of this deployment is in it: the keys and the ticket secret's names at most.
    expect(JSON.stringify(document)).not.toContain(backend.ours.privatePem.split('\n')[1]);
  });

  it('describes every route the app answers, and no route it does not', () => {
    const routes = new Set(backend.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${shape(route.path)}`));
    const operations = new Set(
      Object.entries(document.paths as Json).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => METHODS.includes(key))
          .map((method) => `${method.toUpperCase()} ${shape(path)}`),
      ),
    );
    expect([...operations].sort()).toEqual([...routes].sort());
  });

  it('lists every error code the backend can answer with, and none it cannot', () => {
    const inSource = sourceErrorCodes();
    const documented = documentedErrorCodes(document.paths);
    const answerable = [...inSource].filter((code) => !(code in OUTSIDE_OPERATIONS)).sort();
    expect([...documented].sort()).toEqual(answerable);
    // The scan itself finds codes of each kind (a call, a busy answer, a code type).
    expect(inSource).toContain('unknown_session');
    expect(inSource).toContain('too_many_streams');
    expect(inSource).toContain('invalid_signature');
  });

  it('passes the Redocly linter’s recommended rules (the accepted findings named, with reasons)', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintDocument({
      document: makeDocumentFromString(JSON.stringify(document), '/openapi.json'),
      config,
      externalRefResolver: new BaseResolver(),
    });
    const findings = problems.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}`);
    expect(findings.filter((finding) => !(finding in ACCEPTED_FINDINGS))).toEqual([]);
    // An accepted finding that is gone is taken off the list.
    expect(Object.keys(ACCEPTED_FINDINGS).filter((finding) => !findings.includes(finding))).toEqual([]);
  });

  it('gives the typed client’s types (testkit/openapi/backend-api.ts) as generated now', async () => {
    // Stale types: `npm run build:openapi -- --types`.
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(await generatedTypes(builtDocument()));
  });

  it('is written to dist/openapi.json by the build', async () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build as string;
    expect(build).toContain('build:openapi');
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build-openapi.ts'], { cwd: ROOT });
    expect(JSON.parse(readFileSync(DOCUMENT_FILE, 'utf8'))).toEqual(builtDocument());
    // The same description as served, but for the deployment's URLs.
    const { servers: _servers, ...rest } = document;
    const { servers: _built, ...built } = builtDocument();
    expect(JSON.stringify(rest).replaceAll('http://idc-backend.internal:8080', '{internalUrl}')).toBe(
      JSON.stringify(built).replaceAll(',"variables":{"internalUrl":{"default":"http://idc-backend.internal:8080"}}', ''),
    );
  });
});
