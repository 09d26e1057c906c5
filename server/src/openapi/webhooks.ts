/**
 * What the backend POSTs to IDC_WEBHOOK_URL (OpenAPI `webhooks`): one entry
 * per event type, signed after Standard Webhooks (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`, HMAC-SHA256 with IDC_WEBHOOK_SECRET).
 */
import type { z } from 'zod';
import { IdentityWebhookEvent, IdentityWebhookEventType, RequestWebhookEvent, RequestWebhookEventType } from '../protocol.ts';

export interface Webhook {
  type: string;
  summary: string;
  payload: z.ZodType;
}

const IDENTITY_SUMMARY: Record<z.infer<typeof IdentityWebhookEventType>, string> = {
  'identity.verified': 'A login in the conversation verified: the identity with its attributes',
  'identity.failed': 'A login in the conversation failed (or ended in another browser)',
  'identity.logged_out': 'The resident logged out: the attributes are gone',
  'identity.withdrawn': 'A released result was withdrawn: the login returned in another browser',
  'identity.forgotten': 'The employee pressed Forget (DELETE /agent/identities): no attributes',
};

export const webhooks: Webhook[] = [
  ...IdentityWebhookEventType.options.map((type) => ({ type, summary: IDENTITY_SUMMARY[type], payload: IdentityWebhookEvent })),
  ...RequestWebhookEventType.options.map((type) => ({
    type,
    summary: 'An employee asked the resident to log in (POST /agent/requests): no attributes',
    payload: RequestWebhookEvent,
  })),
];

export const WEBHOOK_HEADERS = {
  'webhook-id': 'The delivery id: the same on every attempt, so a retry can be told from a new event',
  'webhook-timestamp': 'Unix seconds when this attempt was signed',
  'webhook-signature': '`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` with IDC_WEBHOOK_SECRET',
} as const;
