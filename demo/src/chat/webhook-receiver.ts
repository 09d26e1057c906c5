/**
 * The chat site's webhook endpoint, as a platform that integrates on its
 * server would have one: it checks the Standard Webhooks signature (with the
 * `standardwebhooks` package, not the backend's own code) and hands on the
 * event's type and conversation. A bad signature is a 401 and goes no further.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  type: string;
  conversation: string | null;
}

const MAX_BODY_BYTES = 64 * 1024;

export function webhookReceiver(secret: string, onEvent: (event: ReceivedWebhook) => void): Hono {
  const webhook = new Webhook(secret);
  const app = new Hono();
  app.post('/', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text('too large', 413) }), async (c) => {
    const body = await c.req.text();
    let payload: { type?: unknown; data?: { conversation?: unknown } };
    try {
      payload = webhook.verify(body, {
        'webhook-id': c.req.header('webhook-id') ?? '',
        'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
        'webhook-signature': c.req.header('webhook-signature') ?? '',
      }) as typeof payload;
    } catch {
      return c.text('bad signature', 401);
    }
    const conversation = payload.data?.conversation;
    onEvent({ type: String(payload.type), conversation: typeof conversation === 'string' ? conversation : null });
    return c.body(null, 204);
  });
  return app;
}
