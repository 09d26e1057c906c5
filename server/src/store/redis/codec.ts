/**
 * A session record as the Redis store keeps it: one hash of plain fields
 * (digests, times, flags) and sealed ones (what holds a person's data), the
 * attributes sealed apart so they can be purged alone.
 */
import type { Attributes, AuthStatus, VerifiedResult } from '../../protocol.ts';
import type { AtRestCipher } from '../at-rest.ts';
import type { BrowserBinding, SessionRecord } from '../session-store.ts';
import type { RedisReply } from './connection.ts';
import { place } from './key-names.ts';

/** The parts of a session sealed together: they never change after create. */
interface SealedDetails {
  id: string;
  purpose: string;
  purposeName?: string;
  authMethod?: string;
  returnUrl?: string;
  createdAt: number;
  identityId: string;
}

export function encodeSession(cipher: AtRestCipher, k: string, session: SessionRecord): { fields: string[]; attrs?: string } {
  const details: SealedDetails = {
    id: session.id,
    purpose: session.purpose,
    ...(session.purposeName !== undefined ? { purposeName: session.purposeName } : {}),
    authMethod: session.authMethod,
    returnUrl: session.returnUrl,
    createdAt: session.createdAt,
    identityId: session.identityId,
  };
  const fields = ['data', cipher.sealJson(details, place(k, 'data')), 'token', session.streamTokenDigest, 'exp', String(session.expiresAt)];
  if (session.attrIdDigest) fields.push('attr', session.attrIdDigest);
  if (session.referenceDigest) fields.push('ref', session.referenceDigest);
  if (session.conversation !== undefined) fields.push('conv', cipher.sealJson(session.conversation, place(k, 'conv')));
  if (session.deliveredAt !== undefined) fields.push('dlv', String(session.deliveredAt));
  if (session.lastActivityAt !== undefined) fields.push('act', String(session.lastActivityAt));
  if (session.resultAt !== undefined) fields.push('rat', String(session.resultAt));
  const binding = session.binding;
  if (binding) {
    fields.push('launch', binding.launchDigest);
    if (binding.clientUrl !== undefined) fields.push('curl', cipher.sealJson(binding.clientUrl, place(k, 'client')));
    if (binding.browserDigest !== undefined) fields.push('brw', binding.browserDigest);
    if (binding.returnedAt !== undefined) fields.push('ret', String(binding.returnedAt));
    if (binding.foreignAt !== undefined) fields.push('frn', String(binding.foreignAt));
    if (binding.releasedAt !== undefined) fields.push('rel', String(binding.releasedAt));
  }
  let attrs: string | undefined;
  if (session.result) {
    fields.push('res', cipher.sealJson(resultSummary(session.result), place(k, 'res')));
    if (!session.attributesPurged) attrs = cipher.sealJson(session.result.attributes, place(k, 'attrs'));
  }
  return { fields, attrs };
}

export function decodeSession(cipher: AtRestCipher, now: number, k: string, flat: RedisReply | undefined, sealedAttributes: RedisReply | undefined): SessionRecord | undefined {
  if (!Array.isArray(flat) || flat.length === 0) return undefined;
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), String(flat[i + 1]));
  const expiresAt = Number(fields.get('exp'));
  const data = fields.get('data');
  if (!data || !(expiresAt > now)) return undefined;
  const details = cipher.openJson<SealedDetails>(data, place(k, 'data'));
  const session: SessionRecord = {
    ...details,
    streamTokenDigest: fields.get('token') ?? '',
    expiresAt,
  };
  const attr = fields.get('attr');
  if (attr) session.attrIdDigest = attr;
  const ref = fields.get('ref');
  if (ref) session.referenceDigest = ref;
  const conv = fields.get('conv');
  if (conv) session.conversation = cipher.openJson<string>(conv, place(k, 'conv'));
  const delivered = fields.get('dlv');
  if (delivered) session.deliveredAt = Number(delivered);
  const activity = fields.get('act');
  if (activity) session.lastActivityAt = Number(activity);
  const resultAt = fields.get('rat');
  if (resultAt) session.resultAt = Number(resultAt);
  const launch = fields.get('launch');
  if (launch) {
    const binding: BrowserBinding = { launchDigest: launch };
    const clientUrl = fields.get('curl');
    if (clientUrl) binding.clientUrl = cipher.openJson<string>(clientUrl, place(k, 'client'));
    const browser = fields.get('brw');
    if (browser) binding.browserDigest = browser;
    for (const [field, name] of [['ret', 'returnedAt'], ['frn', 'foreignAt'], ['rel', 'releasedAt']] as const) {
      const at = fields.get(field);
      if (at) binding[name] = Number(at);
    }
    session.binding = binding;
  }
  const res = fields.get('res');
  if (res) {
    const summary = cipher.openJson<{ status: AuthStatus; sessionUrl?: string }>(res, place(k, 'res'));
    const attributes = typeof sealedAttributes === 'string' ? cipher.openJson<Attributes>(sealedAttributes, place(k, 'attrs')) : undefined;
    session.result = { status: summary.status, attributes: attributes ?? {}, ...(summary.sessionUrl ? { sessionUrl: summary.sessionUrl } : {}) };
    if (!attributes) session.attributesPurged = true;
  }
  return session;
}

export function resultSummary(result: VerifiedResult): { status: AuthStatus; sessionUrl?: string } {
  return { status: result.status, ...(result.sessionUrl ? { sessionUrl: result.sessionUrl } : {}) };
}
