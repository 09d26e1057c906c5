/**
 * The audit log over real HTTP: every look at identities on the employee's side (the list, each
 * identity a stream delivers, Forget, a refused ticket) is one record with the employee's id from
 * the host ticket (or "unknown"), the conversation, the identity, the action and the outcome;
 * written to a file, the app's JSON log (a pino child with audit: true) or readable text; counted
 * in metrics; and never holding an attribute value. A file that cannot be written stops the start.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuditLog, type AuditRecord, type OpenAuditLog } from '../src/observability/audit-log.ts';
import { atLevel, consoleLogger, jsonLogger, type LogLevel } from '../src/observability/logger.ts';
import { createMetrics, type Metrics } from '../src/observability/metrics.ts';
import type { Identity } from '../src/protocol.ts';
import { SITE_ORIGIN } from '../../testkit/backend.ts';
import { backendEnv, startBackendProcess } from '../../testkit/backend-process.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';
import { ResidentBrowser } from '../../testkit/resident-browser.ts';
import { stacksPerTest, TEST_PERSON, type Stack } from '../../testkit/stack.ts';
import { mintTicket, newTicketSecret } from '../../testkit/tickets.ts';

const AGENT = 'employee-7';
const stacks = stacksPerTest();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let stack: Stack;
let secret: string;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'idc-audit-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A JSON app log captured line by line, as `npm run server` writes it. */
function capturedJsonLog(level: LogLevel = 'info') {
  const raw: string[] = [];
  const destination: DestinationStream = { write: (chunk: string) => void raw.push(chunk) };
  const entries = () => raw.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger: jsonLogger({ level, destination }), raw, entries };
}

/** The stack with the employee's side on, the app log captured as JSON and its own metrics. */
async function start(audit?: (log: ReturnType<typeof capturedJsonLog>, metrics: Metrics) => OpenAuditLog, level: LogLevel = 'info') {
  secret = newTicketSecret();
  const log = capturedJsonLog(level);
  const metrics = createMetrics();
  const deps = { logger: log.logger, metrics, ...(audit ? { audit: audit(log, metrics) } : {}) };
  stack = await stacks.start({ env: { IDC_TICKET_SECRET: secret, IDC_AGENT_ORIGINS: 'https://agent.gemeente.example' }, deps });
  return { log, metrics };
}

/** An audit log appending to a temp file, closed after the test; and its records, parsed. */
function auditFile() {
  const path = join(tempDir(), 'audit.log');
  const open = (log: ReturnType<typeof capturedJsonLog>, metrics: Metrics) => {
    const audit = createAuditLog({ file: path }, { logger: log.logger, metrics, now: () => new Date() });
    cleanups.push(() => audit.close());
    return audit;
  };
  const text = () => readFileSync(path, 'utf8');
  const records = () => text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as AuditRecord);
  return { path, open, text, records };
}

/** A host ticket naming the employee `agent` (null: naming none). */
const host = (conversation = 'conv-1', agent: string | null = AGENT, options: Parameters<typeof mintTicket>[2] = {}) =>
  mintTicket('host', secret, { conversation, ...(agent !== null ? { agent } : {}), ...options });

const agentFetch = async (path: string, ticket: string | undefined, init: RequestInit = {}) =>
  fetch(`${stack.url}/agent${path}`, { ...init, headers: { ...(ticket ? { Authorization: `Bearer ${ticket}` } : {}), ...init.headers } });

/** A resident of `conversation` logs in through the test auth plugin; resolves once the widget's stream has the result. */
async function residentLogsIn(conversation = 'conv-1') {
  const response = await fetch(`${stack.url}/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
    body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma', ticket: await mintTicket('guest', secret, { conversation }) }),
  });
  const session = await response.json();
  const reader = await stacks.open(session.events_url);
  await reader.next();
  await new ResidentBrowser(stack.url).logIn(session, 'succes');
  await reader.next();
}

async function listIdentities(ticket: string): Promise<Identity[]> {
  const response = await agentFetch('/identities', ticket);
  expect(response.status).toBe(200);
  return ((await response.json()) as { identities: Identity[] }).identities;
}

const PERSONAL = [TEST_PERSON.bsn, TEST_PERSON.fullname, TEST_PERSON.email, 'Sanne'];

function expectNoPersonalData(text: string) {
  for (const value of PERSONAL) expect(text).not.toContain(value);
}

/** `idc_audit_records_total` per action and outcome class, from a scrape. */
async function auditCounts(metrics: Metrics): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const line of (await metrics.registry.metrics()).split('\n')) {
    const match = /^idc_audit_records_total\{action="([^"]+)",outcome_class="([^"]+)"\} (\d+)$/.exec(line);
    if (match) counts[`${match[1]} ${match[2]}`] = Number(match[3]);
  }
  return counts;
}

describe('the audit log in a file', () => {
  it('records every kind of look with the employee, conversation, identity, action and outcome, and no attribute value', async () => {
    const file = auditFile();
    const { log, metrics } = await start(file.open);
    await residentLogsIn('conv-1');

    // The list: one record per identity shown, with its status as shown.
    const [identity] = await listIdentities(await host('conv-1'));
    expect(identity).toMatchObject({ status: 'verified', attributes: { bsn: TEST_PERSON.bsn } });
    // An empty list is a look too.
    expect(await listIdentities(await host('conv-empty'))).toEqual([]);
    // The stream: one record per identity event delivered.
    const reader = await stacks.open(`${stack.url}/agent/events`, { Authorization: `Bearer ${await host('conv-1')}` });
    expect((await reader.next())?.event).toBe('identity');
    // Forget, twice: forgotten, then already forgotten; the stream shows the forgotten identity.
    expect((await agentFetch('/identities', await host('conv-1'), { method: 'DELETE' })).status).toBe(204);
    expect(JSON.parse((await reader.next())!.data!)).toMatchObject({ id: identity!.id, status: 'forgotten' });
    expect((await agentFetch('/identities', await host('conv-1', 'employee-8'), { method: 'DELETE' })).status).toBe(204);

    const records = file.records();
    const looks = records.map(({ time, request_id: _, ...rest }) => {
      expect(new Date(time).toISOString()).toBe(time);
      return rest;
    });
    // (The stream's record of the forgotten identity and Forget's own come in either order.)
    const expected = [
      { audit: true, agent: AGENT, conversation: 'conv-1', identity: identity!.id, action: 'identities.read', outcome: 'verified' },
      { audit: true, agent: AGENT, conversation: 'conv-empty', action: 'identities.read', outcome: 'none' },
      { audit: true, agent: AGENT, conversation: 'conv-1', identity: identity!.id, action: 'identity.streamed', outcome: 'verified' },
      { audit: true, agent: AGENT, conversation: 'conv-1', identity: identity!.id, action: 'identities.forget', outcome: 'forgotten' },
      { audit: true, agent: AGENT, conversation: 'conv-1', identity: identity!.id, action: 'identity.streamed', outcome: 'forgotten' },
      { audit: true, agent: 'employee-8', conversation: 'conv-1', identity: identity!.id, action: 'identities.forget', outcome: 'already_forgotten' },
    ];
    expect(looks.slice(0, 3)).toEqual(expected.slice(0, 3));
    expect(looks).toHaveLength(expected.length);
    expect(looks).toEqual(expect.arrayContaining(expected));
    // A record made in a request carries its id, to find the request's own log line.
    const requestIds = new Set(log.entries().filter((entry) => entry.msg === 'request').map((entry) => entry.request_id));
    expect(requestIds.has(records[0]!.request_id)).toBe(true);

    // The audit output and the app's log: not one attribute value of the resident.
    expectNoPersonalData(file.text());
    expectNoPersonalData(log.raw.join(''));
    // Nothing for the file went to the app log.
    expect(log.entries().filter((entry) => entry.audit)).toEqual([]);

    expect(await auditCounts(metrics)).toEqual({
      'identities.read verified': 1,
      'identities.read none': 1,
      'identity.streamed verified': 1,
      'identity.streamed forgotten': 1,
      'identities.forget forgotten': 1,
      'identities.forget already_forgotten': 1,
    });
  });

  it('says "unknown" for a host ticket without agent', async () => {
    const file = auditFile();
    await start(file.open);
    await residentLogsIn('conv-1');
    await listIdentities(await host('conv-1', null));
    expect(file.records()).toEqual([expect.objectContaining({ agent: 'unknown', conversation: 'conv-1', action: 'identities.read', outcome: 'verified' })]);
  });

  it('records every refused host ticket as access.denied, by an unknown agent, for no conversation it claims', async () => {
    const file = auditFile();
    const { metrics } = await start(file.open);
    const forged = await mintTicket('host', newTicketSecret(), { conversation: 'conv-1', agent: 'forger' });
    const expired = await host('conv-1', AGENT, { expiresIn: -120 });
    const guest = await mintTicket('guest', secret, { conversation: 'conv-1' });
    const tries: Array<[string, string | undefined, string, string]> = [
      ['GET', undefined, '/identities', 'ticket_required'],
      ['GET', forged, '/identities', 'invalid_ticket'],
      ['GET', expired, '/events', 'ticket_expired'],
      ['DELETE', guest, '/identities', 'invalid_ticket'],
    ];
    for (const [method, ticket, path, code] of tries) {
      const response = await agentFetch(path, ticket, { method });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: code });
    }
    expect(file.records().map(({ time: _, request_id: __, ...rest }) => rest)).toEqual(
      tries.map(([, , , code]) => ({ audit: true, agent: 'unknown', action: 'access.denied', outcome: code })),
    );
    expect(file.text()).not.toContain('forger');
    expect(await auditCounts(metrics)).toEqual({ 'access.denied ticket_required': 1, 'access.denied invalid_ticket': 2, 'access.denied ticket_expired': 1 });
  });
});

describe('the audit log in the app\'s log (IDC_AUDIT_LOG=log, the default)', () => {
  it('writes each record as a JSON line with audit: true, at info even when the app logs from warn up, without attribute values', async () => {
    const { log, metrics } = await start(undefined, 'warn');
    await residentLogsIn('conv-1');
    const [identity] = await listIdentities(await host('conv-1'));
    expect((await agentFetch('/identities', 'not-a-ticket')).status).toBe(401);

    const audit = log.entries().filter((entry) => entry.audit === true);
    expect(audit).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        audit: true,
        msg: 'audit',
        request_id: expect.any(String),
        agent: AGENT,
        conversation: 'conv-1',
        identity: identity!.id,
        action: 'identities.read',
        outcome: 'verified',
      },
      { level: 'info', time: expect.any(String), audit: true, msg: 'audit', request_id: expect.any(String), agent: 'unknown', action: 'access.denied', outcome: 'invalid_ticket' },
    ]);
    // The rest of the log keeps its level: no info line but the audit's.
    expect(log.entries().filter((entry) => entry.level === 'info' && entry.audit !== true)).toEqual([]);
    expectNoPersonalData(log.raw.join(''));
    expect(await auditCounts(metrics)).toEqual({ 'identities.read verified': 1, 'access.denied invalid_ticket': 1 });
  });

  it('stays readable with IDC_LOG_FORMAT=text: one line with audit=true and the fields', () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    cleanups.push(() => spy.mockRestore());
    const audit = createAuditLog('log', { logger: atLevel(consoleLogger, 'error'), metrics: createMetrics(), now: () => new Date() });
    audit.record({ action: 'identity.streamed', agent: AGENT, conversation: 'conv-1', identity: 'id-1', outcome: 'verified' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\S+Z info audit audit=true agent=employee-7 conversation=conv-1 identity=id-1 action=identity\.streamed outcome=verified$/);
  });
});

describe('idc_audit_records_total', () => {
  it('keeps its outcome label to a fixed list: any other outcome counts as other', async () => {
    const metrics = createMetrics();
    const audit = createAuditLog('log', { logger: jsonLogger({ destination: { write: () => {} } }), metrics, now: () => new Date() });
    audit.record({ action: 'request.create', agent: AGENT, conversation: 'conv-1', identity: 'req-1', outcome: 'created' });
    audit.record({ action: 'request.create', agent: AGENT, conversation: 'conv-1', outcome: 'conv-1 some-new-code 999993653' });
    expect(await auditCounts(metrics)).toEqual({ 'request.create created': 1, 'request.create other': 1 });
  });
});

describe('IDC_AUDIT_LOG for `npm run server`', () => {
  const keys = { ours: rsaKeyPair(), plugin: rsaKeyPair() };

  it('appends to the file it names, closed at shutdown', async () => {
    const path = join(tempDir(), 'audit.log');
    const backend = startBackendProcess(backendEnv(keys, { IDC_AUDIT_LOG: path, IDC_TICKET_SECRET: newTicketSecret() }));
    cleanups.push(() => backend.child.kill('SIGKILL'));
    const url = await backend.url;
    expect((await fetch(`${url}/agent/identities`)).status).toBe(401);
    backend.child.kill('SIGTERM');
    expect((await backend.exited).code).toBe(0);
    const records = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(records).toEqual([{ time: expect.any(String), audit: true, agent: 'unknown', action: 'access.denied', outcome: 'ticket_required', request_id: expect.any(String) }]);
    expect(backend.stdout()).not.toContain('"audit":true');
  });

  it('stops the start with a message naming IDC_AUDIT_LOG when the file cannot be opened', async () => {
    const missing = join(tempDir(), 'no-such-dir', 'audit.log');
    const backend = startBackendProcess(backendEnv(keys, { IDC_AUDIT_LOG: missing }));
    cleanups.push(() => backend.child.kill('SIGKILL'));
    expect((await backend.exited).code).toBe(1);
    expect(backend.stderr()).toContain(`Configuration error: IDC_AUDIT_LOG: cannot append to ${missing} (ENOENT)`);
    expect(backend.stdout()).not.toContain('listening');
  });
});
