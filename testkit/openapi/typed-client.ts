/**
 * The backend's client as an integrator would generate it: openapi-fetch
 * typed by openapi-typescript's reading of the document (backend-api.ts).
 * Every answer goes through the document as well: a status it does not list,
 * or a body that does not match its schema, rejects the call.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './backend-api.ts';
import type { DocumentConformance } from './document-conformance.ts';
import { sseReader, type SseMessage, type SseReader } from '../sse.ts';

export type BackendClient = Client<paths>;

export function typedClient(baseUrl: string, conformance: DocumentConformance, headers: Record<string, string> = {}): BackendClient {
  const client = createClient<paths>({ baseUrl, headers });
  client.use({
    async onResponse({ request, response, schemaPath }) {
      const { spec } = conformance.response(request.method, schemaPath, response.status);
      const type = response.headers.get('content-type')?.split(';')[0]?.trim();
      // A stream is checked event by event (documentedEvents); nothing to read here.
      if (type === 'text/event-stream') return;
      if (type === 'application/json') conformance.check(request.method, schemaPath, response.status, type, await response.clone().json());
      else if (type) conformance.check(request.method, schemaPath, response.status, type, await response.clone().text());
      else if (spec.content && response.status !== 204 && response.status !== 304) {
        throw new Error(`${request.method} ${schemaPath} ${response.status} has no Content-Type; the document lists ${Object.keys(spec.content).join(', ')}`);
      }
    },
  });
  return client;
}

/**
 * The events of a stream the typed client opened (`parseAs: 'stream'`), each checked against
 * the document's description of that stream before the test sees it.
 */
export function documentedEvents(conformance: DocumentConformance, path: string, response: Response, controller: AbortController): SseReader {
  const reader = sseReader(response, controller);
  return {
    ...reader,
    async next(timeoutMs?: number): Promise<SseMessage | undefined> {
      const message = await reader.next(timeoutMs);
      if (message?.event !== undefined) {
        conformance.check('GET', path, response.status, 'text/event-stream', {
          event: message.event,
          ...(message.id !== undefined ? { id: message.id } : {}),
          data: JSON.parse(message.data ?? 'null'),
        });
      }
      return message;
    },
  };
}
