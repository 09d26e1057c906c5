/**
 * The backend's OpenAPI 3.1 description, built from the operation tables and
 * the zod schemas in protocol.ts, never written by hand beside them: zod's
 * own JSON Schema output (`z.toJSONSchema`) turns each schema into a
 * component named after its export. Request bodies are described as zod reads
 * them (`io: 'input'`: unknown fields are ignored), answers as the backend
 * writes them (`io: 'output'`: nothing beyond what the schema lists).
 */
import { z } from 'zod';
import * as protocol from '../protocol.ts';
import { agentOperations } from './agent-operations.ts';
import { coreOperations } from './core-operations.ts';
import type { Operation, ResponseSpec, SecurityScheme, Tag } from './operation.ts';
import { residentOperations } from './resident-operations.ts';
import { serviceOperations } from './service-operations.ts';
import { WEBHOOK_HEADERS, webhooks } from './webhooks.ts';

type Json = Record<string, unknown>;

export const operations: readonly Operation[] = [...residentOperations, ...agentOperations, ...coreOperations, ...serviceOperations];

/**
 * The interface's own version, not the package's: it changes when a route, a field or an error
 * code changes (the minor for additions, the major for anything a client would trip over).
 */
export const API_VERSION = '1.0.0';

export interface DocumentOptions {
  /** IDC_PUBLIC_URL: where browsers reach the backend. Absent (the built file): where the document is served. */
  publicUrl?: string;
  /** IDC_INTERNAL_URL: where the core and auth plugins reach it. Absent: a server variable. */
  internalUrl?: string;
}

const TAGS: Record<Tag, string> = {
  resident: "The resident's widget: the login methods for a purpose",
  login: "One login: its start, launch, return, stream and end",
  requests: "The employee's requests to verify, as the resident's widget sees them (guest ticket)",
  agent: "The employee's side of a conversation (host ticket)",
  core: 'Called by the ID Contact core and its auth plugins (internal URL)',
  service: 'Health, the widget bundles and this description',
};

const SECURITY_SCHEMES: Record<SecurityScheme, Json> = {
  guestTicket: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "A guest ticket: an HS256 JWT the site's server signs with IDC_TICKET_SECRET (`sub: \"guest\"`, `conversation`, `purpose`?, `exp` at most 24 h ahead). See docs/backend-api.md#tickets.",
  },
  hostTicket: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "A host ticket: an HS256 JWT the site's server signs with IDC_TICKET_SECRET for the employee's console (`sub: \"host\"`, `conversation`, `agent`?, `exp`).",
  },
  streamToken: { type: 'http', scheme: 'bearer', description: 'The `token` of the session\'s `events_url` (never in a URL here).' },
  streamTokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: "The stream's capability token, as `events_url` carries it (EventSource cannot send headers)." },
  pluginBasic: { type: 'http', scheme: 'basic', description: 'HTTP Basic, when the operator set IDC_PLUGIN_AUTH.' },
};

/** How a webhook receiver knows the POST is ours: not a scheme OpenAPI names, so described as the header it checks. */
const WEBHOOK_SIGNATURE = {
  type: 'apiKey',
  in: 'header',
  name: 'webhook-signature',
  description: 'Standard Webhooks: HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` with IDC_WEBHOOK_SECRET; check it, and that the timestamp is recent, before trusting the body.',
};

const HEADERS: Record<string, Json> = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
  'WWW-Authenticate': { description: 'The scheme and realm the route wants', schema: { type: 'string' } },
  ETag: { description: "The bundle's version in this encoding", schema: { type: 'string' } },
  'Cache-Control': { description: 'How long the answer may be kept (`no-store` for anything personal)', schema: { type: 'string' } },
  'Set-Cookie': { description: "The login's binding cookie (`idc_binding_…`, HttpOnly, SameSite=Lax)", schema: { type: 'string' } },
};

/** Every zod schema protocol.ts exports, by its export name. */
function protocolSchemaNames(): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>();
  for (const [name, value] of Object.entries(protocol)) {
    if (value instanceof z.ZodType && !names.has(value)) names.set(value, name);
  }
  return names;
}

/** Every schema the operations and webhooks use, by whether it is read (a request body) or written. */
function usedSchemas(): { input: Set<z.ZodType>; output: Set<z.ZodType> } {
  const input = new Set<z.ZodType>();
  const output = new Set<z.ZodType>([protocol.ErrorResponse]);
  for (const operation of operations) {
    if (operation.body && 'json' in operation.body) input.add(operation.body.json);
    for (const response of Object.values(operation.responses)) {
      if (response.json) output.add(response.json);
      for (const event of Object.values(response.events ?? {})) if (event.data) output.add(event.data);
    }
  }
  for (const webhook of webhooks) output.add(webhook.payload);
  return { input, output };
}

function componentUri(name: string): string {
  return `#/components/schemas/${name}`;
}

/** JSON Schema for every named schema, each direction converted on its own; `$ref`s between named ones. */
function convert(names: Map<z.ZodType, string>, io: 'input' | 'output', named: (schema: z.ZodType) => boolean) {
  const registry = z.registry<{ id: string }>();
  for (const [schema, name] of names) if (named(schema)) registry.add(schema, { id: name });
  const converted = z.toJSONSchema(registry, { io, uri: componentUri, unrepresentable: 'throw' }).schemas as Record<string, Json>;
  const components: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(converted)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    components[name] = rest;
  }
  const reference = (schema: z.ZodType): Json => {
    const name = names.get(schema);
    if (name && components[name]) return { $ref: componentUri(name) };
    const { $schema: _dialect, ...inline } = z.toJSONSchema(schema, { io, unrepresentable: 'throw' }) as Json;
    return inline;
  };
  return { components, reference };
}

/** Only what a `$ref` reaches from the paths and webhooks stays among the components. */
function reachable(roots: unknown, components: Record<string, Json>): Record<string, Json> {
  const kept: Record<string, Json> = {};
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')) {
        const name = inner.slice('#/components/schemas/'.length);
        if (!kept[name] && components[name]) {
          kept[name] = components[name];
          visit(components[name]);
        }
      } else visit(inner);
    }
  };
  visit(roots);
  return Object.fromEntries(Object.entries(kept).sort(([a], [b]) => a.localeCompare(b)));
}

export function openApiDocument(options: DocumentOptions = {}): Json {
  const names = protocolSchemaNames();
  const { input, output } = usedSchemas();
  // A schema read as a body is named only in the input direction; everything else in the output one.
  const read = convert(names, 'input', (schema) => input.has(schema));
  const written = convert(names, 'output', (schema) => !input.has(schema));

  const errorSchema = (codes: readonly string[]): Json => ({
    allOf: [written.reference(protocol.ErrorResponse), { type: 'object', properties: { error: { type: 'string', enum: [...codes] } } }],
  });

  const response = (spec: ResponseSpec): Json => {
    const content: Record<string, Json> = {};
    if (spec.json) content['application/json'] = { schema: written.reference(spec.json) };
    if (spec.errors?.length) content['application/json'] = { schema: errorSchema(spec.errors) };
    if (spec.events) {
      // OpenAPI 3.1 has no item schema for streams (3.2's itemSchema): each event is described as
      // an EventSource client reads it, so tools see the data schemas and a test can check them.
      const described = Object.entries(spec.events).map(([name, event]) => ({
            type: 'object',
            title: name,
            description: event.description,
            properties: {
              event: { const: name },
              id: { type: 'string' },
              data: event.data ? written.reference(event.data) : { type: 'object', maxProperties: 0 },
            },
            required: ['event', 'data'],
          }));
      const about = 'Server-sent events, each as an EventSource client reads it: its name, its id and its data (JSON)';
      content['text/event-stream'] = { schema: described.length === 1 ? { ...described[0], description: `${about}. ${described[0]!.description}` } : { description: about, oneOf: described } };
    }
    if (spec.html) content['text/html'] = { schema: { type: 'string' } };
    if (spec.javascript) content['text/javascript'] = { schema: { type: 'string' } };
    return {
      description: spec.description,
      ...(spec.headers?.length ? { headers: Object.fromEntries(spec.headers.map((name) => [name, { $ref: `#/components/headers/${name}` }])) } : {}),
      ...(Object.keys(content).length ? { content } : {}),
    };
  };

  const internalServer = options.internalUrl
    ? { url: options.internalUrl, description: 'The internal URL (IDC_INTERNAL_URL)' }
    : { url: '{internalUrl}', description: 'The internal URL (IDC_INTERNAL_URL)', variables: { internalUrl: { default: 'http://idc-backend.internal:8080' } } };
  const paths: Record<string, Record<string, Json>> = {};
  for (const operation of operations) {
    const body = operation.body;
    const requestBody =
      body === undefined
        ? undefined
        : 'json' in body
          ? { required: true, content: { 'application/json': { schema: read.reference(body.json) } } }
          : 'jwt' in body
            ? { required: true, content: { 'application/jwt': { schema: { type: 'string', description: body.jwt } } } }
            : {
                required: true,
                content: {
                  'application/x-www-form-urlencoded': {
                    schema: {
                      type: 'object',
                      properties: Object.fromEntries(Object.entries(body.form).map(([name, field]) => [name, { type: 'string', description: field.description }])),
                      required: Object.keys(body.form),
                    },
                  },
                },
              };
    const security = operation.security?.map((scheme) => ({ [scheme]: [] }));
    (paths[operation.path] ??= {})[operation.method] = {
      operationId: operation.operationId,
      tags: [operation.tag],
      summary: operation.summary,
      ...(operation.description ? { description: operation.description } : {}),
      ...(operation.internal ? { servers: [internalServer] } : {}),
      // Explicit, also where none is needed: a reader sees the route is meant to be open.
      security: security ? (operation.securityOptional ? [...security, {}] : security) : [],
      ...(operation.parameters?.length
        ? { parameters: operation.parameters.map(({ schema, ...parameter }) => ({ ...parameter, schema: schema ?? { type: 'string' } })) }
        : {}),
      ...(requestBody ? { requestBody } : {}),
      responses: Object.fromEntries(Object.entries(operation.responses).map(([status, spec]) => [status, response(spec)])),
    };
  }

  const webhookEntries = Object.fromEntries(
    webhooks.map((webhook) => [
      webhook.type,
      {
        post: {
          operationId: `webhook_${webhook.type.replace(/\W/g, '_')}`,
          security: [{ webhookSignature: [] }],
          summary: webhook.summary,
          parameters: Object.entries(WEBHOOK_HEADERS).map(([name, description]) => ({ in: 'header', name, description, required: true, schema: { type: 'string' } })),
          requestBody: { required: true, content: { 'application/json': { schema: written.reference(webhook.payload) } } },
          responses: { '2XX': { description: 'Delivered; anything else is retried after 2 s, 5 s, 30 s, 2 min and 10 min, then given up' } },
        },
      },
    ]),
  );

  const schemas = { ...reachable({ paths, webhookEntries }, { ...written.components, ...read.components }) };
  return {
    openapi: '3.1.1',
    info: {
      title: 'ID Contact communication plugin backend',
      version: API_VERSION,
      summary: "The backend behind <id-contact-auth> and <id-contact-agent>: logins for a conversation, verified results, the employee's side",
      description:
        'Every error answer is JSON `{"error": code, "message"}`; each response lists its codes. Field names and values are wire format, `succes` included. See docs/backend-api.md.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.publicUrl ?? '/', description: 'The public URL (IDC_PUBLIC_URL)' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    webhooks: webhookEntries,
    components: { schemas, headers: HEADERS, securitySchemes: { ...SECURITY_SCHEMES, webhookSignature: WEBHOOK_SIGNATURE } },
  };
}
