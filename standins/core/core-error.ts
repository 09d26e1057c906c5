/**
 * A request the stand-in core refuses, with the status the reference core
 * gives: 400 for what the caller got wrong, 500 when a plugin failed.
 */
export class CoreError extends Error {
  constructor(
    readonly status: 400 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

export function badRequest(message: string): CoreError {
  return new CoreError(400, message);
}

export function pluginFailure(message: string): CoreError {
  return new CoreError(500, message);
}
