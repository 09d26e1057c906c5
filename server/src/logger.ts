/**
 * Log lines for operators. Callers pass only what is safe: route patterns,
 * status codes, error codes. Never paths with ids, queries, bodies or
 * attributes.
 */
export interface Logger {
  info(message: string, fields?: Record<string, string | number | boolean | undefined>): void;
  warn(message: string, fields?: Record<string, string | number | boolean | undefined>): void;
  error(message: string, fields?: Record<string, string | number | boolean | undefined>): void;
}

function line(level: string, message: string, fields: Record<string, unknown> = {}): string {
  const extra = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  return `${new Date().toISOString()} ${level} ${message}${extra ? ` ${extra}` : ''}`;
}

export const consoleLogger: Logger = {
  info: (message, fields) => console.log(line('info', message, fields)),
  warn: (message, fields) => console.warn(line('warn', message, fields)),
  error: (message, fields) => console.error(line('error', message, fields)),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
