/**
 * `GET /openapi.json`: the backend's OpenAPI 3.1 description, with this
 * deployment's public and internal URLs as its servers. It holds no secret,
 * so any page (an API explorer, a code generator) may read it. Built once.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { openApiDocument } from '../openapi/document.ts';

export function openApiRoutes({ config }: AppContext): Hono {
  let body: string | undefined;
  return new Hono().get('/openapi.json', (c) => {
    body ??= JSON.stringify(openApiDocument({ publicUrl: config.publicUrl, internalUrl: config.internalUrl }));
    return c.body(body, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      'Access-Control-Allow-Origin': '*',
    });
  });
}
