/**
 * What the employee's side learns of a login, from the backend alone: each
 * change of a session's identity (started, verified, failed, logged out) is
 * recorded in its conversation, for the agent routes, and sent as a signed
 * webhook. Nothing here comes from the resident's browser.
 *
 * Only a login bound to a conversation is told anywhere: a webhook never
 * carries attributes that no conversation holds (a core-started login is told
 * once the chat page binds it, see `started`). A change the store refuses (the
 * identity was forgotten: that is final) did not happen, and is not sent.
 *
 * Retention: verified attributes live IDC_AGENT_RETENTION_SECONDS after the
 * verification (or until forgotten or logged out); the record without
 * attributes lives that long again, so the console can still say "expired".
 */
import type { AppContext, IdentityFeed } from '../context.ts';
import type { Identity, IdentityStatus, VerifiedResult } from '../protocol.ts';
import type { IdentityRecord, SessionRecord } from '../store/session-store.ts';
import type { WebhookEventType } from '../protocol.ts';

/** The wire identity at `now`: a waiting login whose session ended, or verified details past retention, are `expired`. */
export function wireIdentity(record: IdentityRecord, now: number): Identity {
  const lapsed = (record.status === 'waiting' || record.status === 'verified') && now >= record.until;
  const status: IdentityStatus = lapsed ? 'expired' : record.status;
  return {
    id: record.id,
    purpose: record.purpose,
    ...(record.purposeName !== undefined ? { purpose_name: record.purposeName } : {}),
    auth_method: record.authMethod || null,
    status,
    ...(status === 'verified' && record.attributes ? { attributes: record.attributes } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    updated_at: new Date(lapsed ? record.until : record.updatedAt).toISOString(),
  };
}

const WEBHOOK_TYPES: Partial<Record<IdentityRecord['status'], WebhookEventType>> = {
  verified: 'identity.verified',
  failed: 'identity.failed',
  logged_out: 'identity.logged_out',
  withdrawn: 'identity.withdrawn',
};

export interface IdentityFeedOptions extends Pick<AppContext, 'config' | 'deps'> {
  /** The core's name for a purpose if it is known now, without asking the core (the session options cache's peek). */
  purposeName?: (purpose: string) => string | undefined;
}

export function createIdentityFeed({ config, deps, purposeName = () => undefined }: IdentityFeedOptions): IdentityFeed {
  const retentionMs = config.agentRetentionSeconds * 1000;

  async function record(
    session: SessionRecord,
    status: IdentityRecord['status'],
    until: number,
    attributes?: VerifiedResult['attributes'],
    { reason }: { reason?: IdentityRecord['reason'] } = {},
  ) {
    const { conversation } = session;
    if (conversation === undefined) return;
    const now = deps.now().getTime();
    const name = session.purposeName ?? purposeName(session.purpose);
    const identity: IdentityRecord = {
      id: session.identityId,
      conversation,
      sessionId: session.id,
      purpose: session.purpose,
      ...(name !== undefined ? { purposeName: name } : {}),
      authMethod: session.authMethod ?? '',
      status,
      ...(attributes ? { attributes } : {}),
      ...(reason ? { reason } : {}),
      updatedAt: now,
      until,
    };
    if (!(await deps.store.putIdentity(identity, Math.max(until - now, 0) + retentionMs))) return;
    const type = WEBHOOK_TYPES[status];
    if (type && deps.webhooks) {
      const data = { ...wireIdentity(identity, now), conversation };
      deps.webhooks.send(type, data, data.attributes ? { conversation } : {});
    }
  }

  function resolved(session: SessionRecord, result: VerifiedResult) {
    if (result.status === 'succes') return record(session, 'verified', deps.now().getTime() + retentionMs, result.attributes);
    return record(session, 'failed', deps.now().getTime());
  }

  return {
    async started(session) {
      // A core-started session may have its result before the chat page binds it: it is told now, with the conversation.
      if (session.result) await resolved(session, session.result);
      else await record(session, 'waiting', session.expiresAt);
    },
    resolved,
    async refused(session) {
      await record(session, 'failed', deps.now().getTime(), undefined, { reason: 'other_browser' });
    },
    async withdrawn(session) {
      await record(session, 'withdrawn', deps.now().getTime(), undefined, { reason: 'other_browser' });
    },
    async loggedOut(session) {
      await record(session, 'logged_out', deps.now().getTime());
    },
    async ended(session) {
      await record(session, 'waiting', deps.now().getTime());
    },
    async forgotten(conversation, records) {
      if (!deps.webhooks) return;
      // The notices first: they carry no attributes, so the cancelling below leaves them, and a
      // DELETE retried after it failed (the store's forgetting is done by then) still cancels.
      const now = deps.now().getTime();
      for (const record of records) deps.webhooks.send('identity.forgotten', { ...wireIdentity(record, now), conversation });
      await deps.webhooks.cancelConversation(conversation);
    },
  };
}
