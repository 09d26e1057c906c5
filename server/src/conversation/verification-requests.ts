/**
 * Employees' requests that the conversation's resident log in ("ask to
 * verify"): one open at a time per conversation, pending until a login for its
 * purpose starts in the conversation (`started`), the resident declines, or
 * IDC_REQUEST_TTL_SECONDS pass (read as `expired`; nothing is written then).
 *
 * A request holds no personal data: its purpose, the core's name for it, an
 * id and times. The `verification.requested` webhook carries the same.
 */
import type { AppContext, VerificationRequests } from '../context.ts';
import type { RequestStatus, VerificationRequest } from '../protocol.ts';
import { randomSecret } from '../crypto/secrets.ts';
import type { RequestRecord } from '../store/session-store.ts';

/** Whether a pending request has lapsed at `now`. */
export function requestLapsed(record: RequestRecord, now: number): boolean {
  return record.status === 'pending' && now >= record.expiresAt;
}

/**
 * The wire form at `now`: a pending request past `expires_at` is `expired`. The resident's side
 * (`forResident`) never sees the identity id of the login it led to: that id is the employee's.
 */
export function wireRequest(record: RequestRecord, now: number, { forResident = false }: { forResident?: boolean } = {}): VerificationRequest {
  const lapsed = requestLapsed(record, now);
  const status: RequestStatus = lapsed ? 'expired' : record.status;
  return {
    id: record.id,
    purpose: record.purpose,
    ...(record.purposeName !== undefined ? { purpose_name: record.purposeName } : {}),
    status,
    ...(record.identityId !== undefined && !forResident ? { identity_id: record.identityId } : {}),
    expires_at: new Date(record.expiresAt).toISOString(),
    updated_at: new Date(lapsed ? record.expiresAt : record.updatedAt).toISOString(),
  };
}

export function createVerificationRequests({ config, deps }: Pick<AppContext, 'config' | 'deps'>): VerificationRequests {
  const ttlMs = config.requestTtlSeconds * 1000;
  // Kept after it lapses as long as a verified identity is, so the console can still say how it ended.
  const keepMs = ttlMs + config.agentRetentionSeconds * 1000;

  return {
    async open(conversation, purpose, purposeName) {
      const now = deps.now().getTime();
      const record: RequestRecord = {
        id: randomSecret(),
        conversation,
        purpose,
        ...(purposeName !== undefined ? { purposeName } : {}),
        status: 'pending',
        createdAt: now,
        expiresAt: now + ttlMs,
        updatedAt: now,
      };
      if ((await deps.store.openRequest(record, keepMs)) === 'exists') return 'exists';
      // No attributes in it: nothing to cancel when the conversation is forgotten.
      deps.webhooks?.send('verification.requested', { ...wireRequest(record, now), conversation });
      return record;
    },

    async decline(conversation, id) {
      const held = await deps.store.getRequest(conversation);
      if (!held || held.id !== id) return 'unknown';
      const settled = await deps.store.settleRequest(conversation, id, { status: 'declined' }, deps.now().getTime());
      return settled ?? 'not_pending';
    },

    async loginStarted(conversation, purpose, identityId) {
      const held = await deps.store.getRequest(conversation);
      const now = deps.now().getTime();
      if (!held || held.purpose !== purpose || held.status !== 'pending' || requestLapsed(held, now)) return;
      await deps.store.settleRequest(conversation, held.id, { status: 'started', identityId }, now);
    },
  };
}

/**
 * Follows the conversation's request for a stream: `show` is called with it at once (undefined
 * when there is none), on every change in any instance, and once more when a pending one lapses
 * (on the app's shared deadlines). A read failure is passed to `failed`. Returns what stops it.
 */
export function watchRequest(
  { deps, streams }: Pick<AppContext, 'deps' | 'streams'>,
  conversation: string,
  show: (record: RequestRecord | undefined) => void,
  failed: (error: unknown) => void,
): () => void {
  let shown: RequestRecord | undefined;
  let told = false;
  let stopped = false;
  let cancelLapse: (() => void) | undefined;

  const tell = (record: RequestRecord | undefined) => {
    if (stopped) return;
    told = true;
    shown = record;
    cancelLapse?.();
    cancelLapse = undefined;
    show(record);
    if (!record || record.status !== 'pending' || requestLapsed(record, deps.now().getTime())) return;
    cancelLapse = streams.deadlines.add(record.expiresAt + 5, () => {
      cancelLapse = undefined;
      if (shown === record) tell(record);
    });
  };

  // Subscribed before the read: a change made meanwhile is not missed, and is newer than the read.
  const unsubscribe = deps.store.subscribeRequests(conversation, tell);
  deps.store.getRequest(conversation).then(
    (record) => {
      if (!told) tell(record);
    },
    (error: unknown) => {
      if (!stopped) failed(error);
    },
  );
  return () => {
    stopped = true;
    cancelLapse?.();
    unsubscribe();
  };
}
