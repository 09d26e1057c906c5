/**
 * The chat site's conversations: each browser gets one (an HttpOnly cookie),
 * "Nieuw gesprek" starts another. The site, not the resident, says which
 * conversation a login belongs to: it mints the guest ticket for it.
 */
import { randomBytes } from 'node:crypto';

/** The demo remembers this many conversations; older ones are dropped first. */
const KEPT = 1000;

export class Conversations {
  readonly #known = new Set<string>();

  create(): string {
    const id = randomBytes(16).toString('base64url');
    this.#known.add(id);
    if (this.#known.size > KEPT) this.#known.delete(this.#known.values().next().value!);
    return id;
  }

  has(id: string | undefined): id is string {
    return id !== undefined && this.#known.has(id);
  }

  /** The conversation started last: what the employee console shows when none is named. */
  latest(): string | undefined {
    let last: string | undefined;
    for (const id of this.#known) last = id;
    return last;
  }
}
