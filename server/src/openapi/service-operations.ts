/** Health for load balancers, the widget bundles for sites, and this description. */
import { z } from 'zod';
import { Health, Readiness } from '../protocol.ts';
import { BUNDLES } from '../http/widget-bundles.ts';
import { error } from './common-responses.ts';
import type { Operation } from './operation.ts';

const BUNDLE_SUMMARY: Record<string, string> = {
  'widget.js': '`<id-contact-auth>` as an ES module',
  'widget.iife.js': '`<id-contact-auth>` as a classic script',
  'agent.js': '`<id-contact-agent>` as an ES module',
  'agent.iife.js': '`<id-contact-agent>` as a classic script',
};

const bundleOperations: Operation[] = Object.keys(BUNDLES).map((route) => ({
  method: 'get',
  path: `/${route}`,
  operationId: `get_${route.replace(/\W/g, '_')}`,
  tag: 'service',
  summary: BUNDLE_SUMMARY[route] ?? route,
  description: 'Loadable from any site (`Access-Control-Allow-Origin: *`), cached for 5 minutes, brotli or gzip as the browser accepts, with an ETag per encoding.',
  parameters: [{ in: 'header', name: 'If-None-Match', description: 'An ETag the browser has' }],
  responses: {
    200: { description: 'The bundle', javascript: true, headers: ['ETag', 'Cache-Control'] },
    304: { description: 'The browser has it', headers: ['ETag'] },
    ...error(404, 'The bundle is not built (the message names `npm run build:widget`)', ['widget_not_built']),
  },
}));

export const serviceOperations: Operation[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tag: 'service',
    summary: 'Liveness: the process answers',
    responses: { 200: { description: 'Alive; `widget` says whether the bundles are built', json: Health } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    tag: 'service',
    summary: 'Readiness: the store answers and the widget can be served',
    responses: {
      200: { description: 'Ready', json: Readiness },
      503: { description: 'Not ready: the store does not answer (with Retry-After), or a bundle is missing (with a message)', json: Readiness, headers: ['Retry-After'] },
    },
  },
  ...bundleOperations,
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'service',
    summary: 'This description (OpenAPI 3.1)',
    responses: { 200: { description: 'The document', json: z.looseObject({ openapi: z.string() }), headers: ['Cache-Control'] } },
  },
];
