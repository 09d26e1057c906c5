/**
 * Errors a store raises for callers to tell apart from their own bugs.
 */

/**
 * The store cannot answer now (Redis down, restarting, too slow, or the store
 * was closed). Nothing was changed, or the caller cannot know whether it was:
 * routes answer 503 and the client tries again. The cause is kept for logs;
 * its message never holds a key or a value.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'store_unavailable';

  constructor(message = 'the session store is unavailable', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What the store holds cannot be read back: encrypted with another key, or damaged. */
export class StoreDataError extends Error {
  override readonly name = 'StoreDataError';

  constructor(message = 'a stored record cannot be read (wrong store key, or damaged)', options?: { cause?: unknown }) {
    super(message, options);
  }
}
