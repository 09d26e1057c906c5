/**
 * Reading the backend's requests to verify (`request` events, `GET
 * /requests/current`, `POST /agent/requests`), for both elements. A status
 * this widget does not know makes it no request: it could not tell whether
 * the request is still open.
 */
import { isString } from './http.js';
import type { CurrentRequest, RequestStatus, VerificationRequest } from './wire.js';

const STATUSES: readonly string[] = ['pending', 'started', 'declined', 'expired'] satisfies RequestStatus[];

/** A request as the backend sent it, with only the fields the widgets use; undefined when it is not one. */
export function readRequest(value: unknown): VerificationRequest | undefined {
  const r = value as Partial<Record<keyof VerificationRequest, unknown>> | null;
  if (!r || typeof r !== 'object' || !isString(r.id) || !isString(r.purpose) || !isString(r.status)) return undefined;
  if (!STATUSES.includes(r.status) || !isString(r.expires_at) || !isString(r.updated_at)) return undefined;
  const request: VerificationRequest = {
    id: r.id,
    purpose: r.purpose,
    status: r.status as RequestStatus,
    expires_at: r.expires_at,
    updated_at: r.updated_at,
  };
  if (isString(r.purpose_name) && r.purpose_name) request.purpose_name = r.purpose_name;
  if (isString(r.identity_id)) request.identity_id = r.identity_id;
  return request;
}

/** `{request}` (a request or null); undefined when it is not that. */
export function readCurrentRequest(value: unknown): CurrentRequest | undefined {
  const current = value as { request?: unknown } | null;
  if (current?.request === null) return { request: null };
  const request = readRequest(current?.request);
  return request && { request };
}
