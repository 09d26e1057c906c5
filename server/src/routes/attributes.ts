/**
 * `POST /attributes/:attr_id`, the attr_url: auth plugins (or the core) post
 * the signed and encrypted result here, server to server. Knowing an attr_url
 * lets one post to it once, never read from it. The attr_id is looked up
 * before the body is read: an unknown one costs us no reading at all.
 */
import { Hono } from 'hono';
import { MAX_RESULT_BYTES } from '../results/auth-result.ts';
import type { AppContext } from '../context.ts';
import { errorResponse } from '../http/errors.ts';
import { readBodyText } from '../http/request-body.ts';
import { takeResult } from '../results/intake.ts';
import type { ResultAccepted } from '../protocol.ts';

export function attributesRoutes(context: AppContext): Hono {
  const { deps } = context;
  return new Hono().post('/:attr_id', async (c) => {
    const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/jwt') {
      return errorResponse(c, 415, 'unsupported_media_type', 'Content-Type must be application/jwt');
    }
    const session = await deps.store.getByAttrId(c.req.param('attr_id'));
    if (!session) return errorResponse(c, 404, 'unknown_attr_url', 'no session waits for a result here');
    const token = await readBodyText(c, MAX_RESULT_BYTES);
    const outcome = await takeResult(context, session, token, 'attr_url');
    if (!outcome.accepted) return errorResponse(c, outcome.status, outcome.error, outcome.message);
    return c.json({ status: 'accepted' } satisfies ResultAccepted, 200);
  });
}
