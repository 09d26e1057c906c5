/**
 * What the employee's side learns of a login, from the backend alone: each
 * change of a session's identity (started, verified, failed, logged out) is
 * recorded in its conversation, for the agent routes, and sent as a signed
 * webhook. Nothing here comes from the resident's browser.
 *
 * Retention: verified attributes live IDC_AGENT_RETENTION_SECONDS after the
 * verification (or until forgotten or logged out); the record without
 * attributes lives that long again, so the console can still say "expired".
 */
import type { AppContext } from './context.ts';
import type { Identity, IdentityStatus, VerifiedResult } from './protocol.ts';
import type { IdentityRecord, SessionRecord } from './store/session-store.ts';
import type { WebhookEventType } from './webhook/webhook-sender.ts';

/** Sends an identity change as a webhook; fire and forget. */
export interface WebhookPublisher {
  send(type: WebhookEventType, data: object): void;
}

/** The wire identity at `now`: a waiting login whose session ended, or verified details past retention, are `expired`. */
export function wireIdentity(record: IdentityRecord, now: number): Identity {
  const lapsed = (record.status === 'waiting' || record.status === 'verified') && now >= record.until;
  const status: IdentityStatus = lapsed ? 'expired' : record.status;
  return {
    id: record.id,
    purpose: record.purpose,
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

export interface IdentityFeed {
  /** A session bound to a conversation exists: the employee sees a login under way. */
  started(session: SessionRecord): Promise<void>;
  /** A result was accepted for the session. */
  resolved(session: SessionRecord, result: VerifiedResult): Promise<void>;
  /** The resident logged out. */
  loggedOut(session: SessionRecord): Promise<void>;
  /** The login ended in another browser before its result was released: shown as failed, with why. */
  refused(session: SessionRecord): Promise<void>;
  /** The login ended in another browser after its result was released: the identity is taken back. */
  withdrawn(session: SessionRecord): Promise<void>;
  /** The login never got going (the core refused to start it): shown as expired. */
  ended(session: SessionRecord): Promise<void>;
}

export function createIdentityFeed({ config, deps }: Pick<AppContext, 'config' | 'deps'>): IdentityFeed {
  const retentionMs = config.agentRetentionSeconds * 1000;

  async function record(
    session: SessionRecord,
    status: IdentityRecord['status'],
    until: number,
    attributes?: VerifiedResult['attributes'],
    { webhook = true, reason }: { webhook?: boolean; reason?: IdentityRecord['reason'] } = {},
  ) {
    const now = Date.now();
    const identity: IdentityRecord = {
      id: session.identityId,
      conversation: session.conversation ?? '',
      sessionId: session.id,
      purpose: session.purpose,
      authMethod: session.authMethod ?? '',
      status,
      ...(attributes ? { attributes } : {}),
      ...(reason ? { reason } : {}),
      updatedAt: now,
      until,
    };
    if (session.conversation !== undefined) {
      await deps.store.putIdentity(identity, Math.max(until - now, 0) + retentionMs);
    }
    const type = WEBHOOK_TYPES[status];
    if (type && webhook && deps.webhooks) {
      deps.webhooks.send(type, { ...wireIdentity(identity, now), conversation: session.conversation ?? null });
    }
  }

  function resolved(session: SessionRecord, result: VerifiedResult, options?: { webhook: boolean }) {
    if (result.status === 'succes') return record(session, 'verified', Date.now() + retentionMs, result.attributes, options);
    return record(session, 'failed', Date.now(), undefined, options);
  }

  return {
    async started(session) {
      if (session.conversation === undefined) return;
      // A core-started session may have its result before the chat page binds it: the webhook went then.
      if (session.result) await resolved(session, session.result, { webhook: false });
      else await record(session, 'waiting', session.expiresAt);
    },
    resolved: (session, result) => resolved(session, result),
    async refused(session) {
      await record(session, 'failed', Date.now(), undefined, { reason: 'other_browser' });
    },
    async withdrawn(session) {
      await record(session, 'withdrawn', Date.now(), undefined, { reason: 'other_browser' });
    },
    async loggedOut(session) {
      await record(session, 'logged_out', Date.now());
    },
    async ended(session) {
      if (session.conversation !== undefined) await record(session, 'waiting', Date.now());
    },
  };
}
