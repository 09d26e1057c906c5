/**
 * How one route is described for the OpenAPI document: what it takes, what it
 * answers (with the error codes of each status) and how it is authorised. The
 * shapes are the zod schemas the routes validate and answer with; the
 * document builder (document.ts) turns them into JSON Schema.
 */
import type { z } from 'zod';

export type SecurityScheme = 'guestTicket' | 'hostTicket' | 'streamToken' | 'streamTokenQuery' | 'pluginBasic';

export type Tag = 'resident' | 'login' | 'requests' | 'agent' | 'core' | 'service';

export interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  description: string;
  required?: boolean;
  /** Plain JSON Schema: parameters are strings, never one of the protocol's shapes. */
  schema?: Record<string, unknown>;
}

export type RequestBody =
  | { json: z.ZodType; description?: string }
  | { jwt: string }
  | { form: Record<string, { description: string }> };

/** A server-sent event: its name and the JSON in its `data` (none: `{}`). */
export interface StreamEvent {
  description: string;
  data?: z.ZodType;
}

export type ResponseHeader = 'Retry-After' | 'WWW-Authenticate' | 'ETag' | 'Cache-Control' | 'Set-Cookie';

export interface ResponseSpec {
  description: string;
  /** A JSON answer of this shape. */
  json?: z.ZodType;
  /** A JSON error answer `{"error","message"}`; `error` is one of these codes. */
  errors?: readonly string[];
  /** `text/event-stream` with these events. */
  events?: Record<string, StreamEvent>;
  html?: true;
  javascript?: true;
  headers?: readonly ResponseHeader[];
}

export interface Operation {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI's template form: `/sessions/{session_id}/events`. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** Alternatives, any one of which is enough; absent: none needed. */
  security?: readonly SecurityScheme[];
  /** The security is optional (HTTP Basic only when the operator set IDC_PLUGIN_AUTH). */
  securityOptional?: true;
  /** Called by the core or an auth plugin, on the internal URL (IDC_INTERNAL_URL). */
  internal?: true;
  parameters?: readonly Parameter[];
  body?: RequestBody;
  responses: Record<number, ResponseSpec>;
}

/** A path parameter of opaque text. */
export function pathParameter(name: string, description: string): Parameter {
  return { in: 'path', name, description, required: true, schema: { type: 'string' } };
}
