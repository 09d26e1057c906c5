/**
 * Holds answers to the OpenAPI document: for a method, a path template and a
 * status, is the answer one the document describes, and does its body match
 * the schema? Ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect) reads the
 * document's own schemas, `$ref`s and all.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

/** `~` and `/` escaped for a JSON pointer. */
function pointerPart(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export class DocumentConformance {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: Json) {
    addFormats.default(this.ajv);
    this.ajv.addSchema(document, 'openapi');
  }

  /** The documented response for an answer; throws when the document has none. */
  response(method: string, path: string, status: number): { pointer: string; spec: Json } {
    const operation = this.document.paths?.[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${path} is not in the document`);
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((candidate) => operation.responses[candidate]);
    if (!key) throw new Error(`${method} ${path} answered ${status}, which the document does not list`);
    return { pointer: `/paths/${pointerPart(path)}/${method.toLowerCase()}/responses/${key}`, spec: operation.responses[key] };
  }

  /** Throws unless a webhook body matches the document's `webhooks` entry for its type. */
  checkWebhook(body: { type: string }): void {
    if (!this.document.webhooks?.[body.type]) throw new Error(`webhook ${body.type} is not in the document`);
    this.validate(`openapi#/webhooks/${pointerPart(body.type)}/post/requestBody/content/application~1json/schema`, body, `webhook ${body.type}`);
  }

  /** Throws unless `body` (parsed JSON, or one parsed server-sent event) matches the schema for this content type. */
  check(method: string, path: string, status: number, contentType: string, body: unknown): void {
    const { pointer, spec } = this.response(method, path, status);
    if (!spec.content?.[contentType]) {
      throw new Error(`${method} ${path} ${status} answered ${contentType}; the document lists ${Object.keys(spec.content ?? {}).join(', ') || 'no body'}`);
    }
    this.validate(`openapi#${pointer}/content/${pointerPart(contentType)}/schema`, body, `${method} ${path} ${status} (${contentType})`);
  }

  private validate(ref: string, body: unknown, what: string): void {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (!validate(body)) throw new Error(`${what} does not match the document: ${this.ajv.errorsText(validate.errors)}`);
  }
}
