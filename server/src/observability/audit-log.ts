/**
 * The audit log: one record for every look at identities on the employee's side (BIO 12.4, the
 * AVG's accountability): when, which employee (the host ticket's `agent`), which conversation and
 * identity, what, and how it went. Never an attribute value, a purpose or anything else of the
 * resident: the log must not become a second copy of the identities it accounts for.
 *
 * Where records go (IDC_AUDIT_LOG): `log`, the app's log stream as lines with `audit: true` (JSON,
 * or readable text with IDC_LOG_FORMAT=text), never silenced by IDC_LOG_LEVEL; `stdout` or
 * `stderr`, or a file (appended): one JSON object a line of its own, for a SIEM to take as is.
 * Every record counts in `idc_audit_records_total`.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { pino, type DestinationStream } from 'pino';
import { ConfigError, type AuditTarget } from '../config.ts';
import { currentRequestId, type Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/**
 * One look at the employee's side: who (the host ticket's `agent`, or "unknown"), which
 * conversation and identity, what, and how it went. Never an attribute value or anything else of
 * the resident.
 */
export interface AuditEntry {
  /** `identities.read` (GET /agent/identities, per identity), `identity.streamed` (each identity an
   * /agent/events stream delivers), `identities.forget` (per identity), `request.create`,
   * `access.denied` (a refused ticket). */
  action: 'identities.read' | 'identity.streamed' | 'identities.forget' | 'request.create' | 'access.denied';
  /** The host ticket's `agent` claim; undefined: "unknown". */
  agent?: string;
  conversation?: string;
  /** The identity (Identity.id) or request id the look was at. */
  identity?: string;
  /** What was seen or done: the identity's status as shown (`verified` means its attributes were
   * shown), `forgotten`, `created`, or an error code. */
  outcome: string;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
}

/** An audit log that holds a file open until closed (at shutdown). */
export interface OpenAuditLog extends AuditLog {
  close(): Promise<void>;
}

/** A record as written: what a SIEM reads. */
export interface AuditRecord {
  time: string;
  audit: true;
  agent: string;
  conversation?: string;
  identity?: string;
  action: AuditEntry['action'];
  outcome: string;
  /** The request the look was made in, to find its request log line. */
  request_id?: string;
}

export const UNKNOWN_AGENT = 'unknown';

/**
 * Outcomes that are their own metric label; any other (a code added later) counts as `other`, so
 * the label stays bounded whatever a caller passes.
 */
const OUTCOME_CLASSES: ReadonlySet<string> = new Set([
  // identity statuses as shown
  'waiting', 'verified', 'failed', 'logged_out', 'expired', 'forgotten', 'withdrawn',
  'none', 'already_forgotten', 'created',
  // refused tickets
  'ticket_required', 'invalid_ticket', 'ticket_expired',
]);

export function outcomeClass(outcome: string): string {
  return OUTCOME_CLASSES.has(outcome) ? outcome : 'other';
}

export interface AuditLogOptions {
  /** The app's log stream: target `log` writes there, and a record that cannot be written is said there. */
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
}

/**
 * The audit log for IDC_AUDIT_LOG. A file is opened here, at start: one that cannot be appended to
 * stops the server (ConfigError naming IDC_AUDIT_LOG) rather than leaving looks unaccounted for.
 */
export function createAuditLog(target: AuditTarget, { logger, metrics, now }: AuditLogOptions): OpenAuditLog {
  const count = (entry: AuditEntry) => metrics.auditRecords.inc({ action: entry.action, outcome_class: outcomeClass(entry.outcome) });

  if (target === 'log') {
    // At info whatever the app's level: an audit record is never a line to drop.
    const child = logger.child?.({ audit: true }, 'info');
    return {
      record(entry) {
        const fields = { agent: entry.agent ?? UNKNOWN_AGENT, conversation: entry.conversation, identity: entry.identity, action: entry.action, outcome: entry.outcome };
        if (child) child.info('audit', fields);
        else logger.info('audit', { audit: true, ...fields });
        count(entry);
      },
      close: async () => {},
    };
  }

  const write = target === 'stdout' || target === 'stderr' ? streamWriter(target) : fileWriter(target.file);
  return {
    record(entry) {
      const requestId = currentRequestId();
      const record: AuditRecord = {
        time: now().toISOString(),
        audit: true,
        agent: entry.agent ?? UNKNOWN_AGENT,
        ...(entry.conversation !== undefined ? { conversation: entry.conversation } : {}),
        ...(entry.identity !== undefined ? { identity: entry.identity } : {}),
        action: entry.action,
        outcome: entry.outcome,
        ...(requestId ? { request_id: requestId } : {}),
      };
      try {
        write.line(`${JSON.stringify(record)}\n`);
      } catch (error) {
        // A full disk must not end the employee's stream; the operator hears of it, by code only.
        logger.error('audit record not written', { action: entry.action, error: (error as NodeJS.ErrnoException).code ?? 'error' });
      }
      count(entry);
    },
    close: async () => write.close(),
  };
}

interface LineWriter {
  line(text: string): void;
  close(): void;
}

/** stdout or stderr, written synchronously as the app's JSON log is (nothing lost at exit). */
function streamWriter(target: 'stdout' | 'stderr'): LineWriter {
  const destination: DestinationStream & { flushSync?(): void } = pino.destination({ dest: target === 'stdout' ? 1 : 2, sync: true });
  return { line: (text) => destination.write(text), close: () => destination.flushSync?.() };
}

/** A file, appended to (O_APPEND: each line lands whole at the end, beside other writers). */
function fileWriter(path: string): LineWriter {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'a', 0o640);
  } catch (error) {
    throw new ConfigError(`IDC_AUDIT_LOG: cannot append to ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return {
    line(text) {
      if (fd === undefined) throw Object.assign(new Error('audit log closed'), { code: 'ECLOSED' });
      writeSync(fd, text);
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
