/**
 * Log lines for operators. Callers pass only what is safe: route patterns,
 * status codes, error codes. Never paths with ids, queries, bodies or
 * attributes.
 *
 * Two formats behind one interface: `jsonLogger` (pino, one JSON object a
 * line: what `npm run server` and the built server write, for log
 * collectors) and `consoleLogger` (readable lines, for the demo). Both add
 * the request id of the request being answered, when there is one
 * (`withRequestId`, set by the request log middleware).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /**
   * A logger on the same stream whose every line carries `fields`, from `level` up (default: this
   * one's level). The audit log is one: `{ audit: true }` at info, whatever IDC_LOG_LEVEL says.
   */
  child?(fields: LogFields, level?: LogLevel): Logger;
}

export type LogLevel = 'info' | 'warn' | 'error';

const requestContext = new AsyncLocalStorage<string>();

/** Runs `work` with `requestId` as the id every log line written during it carries. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return requestContext.run(requestId, work);
}

/** The id of the request being answered, if any. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore();
}

function line(level: string, message: string, fields: LogFields = {}): string {
  const requestId = currentRequestId();
  const extra = Object.entries(requestId ? { ...fields, request_id: requestId } : fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  return `${new Date().toISOString()} ${level} ${message}${extra ? ` ${extra}` : ''}`;
}

function textLogger(bound: LogFields): Logger {
  const withBound = (fields?: LogFields) => ({ ...bound, ...fields });
  return {
    info: (message, fields) => console.log(line('info', message, withBound(fields))),
    warn: (message, fields) => console.warn(line('warn', message, withBound(fields))),
    error: (message, fields) => console.error(line('error', message, withBound(fields))),
    child: (fields, level = 'info') => atLevel(textLogger(withBound(fields)), level),
  };
}

export const consoleLogger: Logger = textLogger({});

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface JsonLoggerOptions {
  /** Lines below it are dropped. Default info. */
  level?: LogLevel;
  /** Where the lines go; default stdout, written synchronously (nothing lost at exit). */
  destination?: DestinationStream;
}

/**
 * One JSON object a line: `{"level":"info","time":"<ISO 8601>","msg":…,
 * "request_id"?:…, …fields}`. No pid or hostname: the collector knows them.
 */
export function jsonLogger({ level = 'info', destination }: JsonLoggerOptions = {}): Logger {
  const log = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { request_id: requestId } : {};
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return pinoLogger(log);
}

function pinoLogger(log: PinoLogger): Logger {
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
    child: (fields, level) => pinoLogger(log.child(fields, level ? { level } : {})),
  };
}

/** Drops the lines below `level` (the demo shows warnings and errors unless asked for more). */
export function atLevel(logger: Logger, level: LogLevel): Logger {
  if (level === 'info') return logger;
  const silent = () => {};
  const { child } = logger;
  return {
    info: silent,
    warn: level === 'warn' ? logger.warn : silent,
    error: logger.error,
    ...(child ? { child: (fields: LogFields, childLevel: LogLevel = level) => child(fields, childLevel) } : {}),
  };
}
