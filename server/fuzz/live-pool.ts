/**
 * Real sessions to aim at: ids, stream tokens, one-time references and
 * attr ids the backend handed out during the run. Mutations start from these,
 * so they get past "unknown session" and reach the code behind it. Each kind
 * is a ring of the newest few hundred; an empty ring gives a made-up value.
 * Every pick takes the same two draws from the request's Random, full pool or
 * empty, so the rest of a request's shape does not depend on what the run
 * had learnt by then, and a seed replays it.
 */
import { Random } from './random.ts';

const KEEP = 256;

export interface StreamSession {
  id: string;
  token: string;
}

class Ring<T> {
  private readonly items: T[] = [];
  private at = 0;
  add(item: T): void {
    if (this.items.length < KEEP) this.items.push(item);
    else this.items[this.at++ % KEEP] = item;
  }
  /** Mostly the newest (most likely still live), sometimes any; `which` and `where` are draws in [0, 1). */
  pick(which: number, where: number): T | undefined {
    if (this.items.length === 0) return undefined;
    const newest = this.items.length < KEEP ? this.items.length - 1 : (this.at - 1 + KEEP) % KEEP;
    return this.items[which < 0.5 ? newest : Math.floor(where * this.items.length)];
  }
  get size(): number {
    return this.items.length;
  }
}

/** Two draws: which item, and a made-up id for an empty ring. */
function draws(random: Random): [which: number, where: number, madeUp: () => string] {
  const which = random.next();
  const where = random.next();
  return [which, where, () => new Random(Math.floor(where * 2 ** 32)).string(43)];
}

export class LivePool {
  private readonly streams = new Ring<StreamSession>();
  private readonly references = new Ring<string>();
  private readonly attrIds = new Ring<string>();
  private readonly sessionIds = new Ring<string>();
  private readonly requestIds = new Ring<string>();

  /** From `POST /sessions` or `/sessions/attach`: `{session_id, events_url}`. */
  learnStream(body: string): void {
    try {
      const { session_id: id, events_url: eventsUrl } = JSON.parse(body) as { session_id?: unknown; events_url?: unknown };
      const token = typeof eventsUrl === 'string' ? new URL(eventsUrl).searchParams.get('token') : null;
      if (typeof id === 'string' && token) {
        this.streams.add({ id, token });
        this.sessionIds.add(id);
      }
    } catch {
      // not an answer to learn from
    }
  }

  /** From `POST /start_communication`: `{client_url (with the reference), attr_url?}`. */
  learnChat(body: string): void {
    try {
      const { client_url: clientUrl, attr_url: attrUrl } = JSON.parse(body) as { client_url?: unknown; attr_url?: unknown };
      const reference = typeof clientUrl === 'string' ? new URL(clientUrl).searchParams.get('id-contact-session') : null;
      if (reference) this.references.add(reference);
      if (typeof attrUrl === 'string') this.attrIds.add(new URL(attrUrl).pathname.split('/').pop()!);
    } catch {
      // as above
    }
  }

  /** From `POST /agent/requests`: the request's `id`. */
  learnRequest(body: string): void {
    try {
      const { id } = JSON.parse(body) as { id?: unknown };
      if (typeof id === 'string') this.requestIds.add(id);
    } catch {
      // as above
    }
  }

  requestId(random: Random): string {
    const [which, where, madeUp] = draws(random);
    return this.requestIds.pick(which, where) ?? madeUp();
  }

  stream(random: Random): StreamSession {
    const [which, where, madeUp] = draws(random);
    return this.streams.pick(which, where) ?? { id: madeUp(), token: madeUp().split('').reverse().join('') };
  }

  sessionId(random: Random): string {
    const [which, where, madeUp] = draws(random);
    return this.sessionIds.pick(which, where) ?? madeUp();
  }

  reference(random: Random): string {
    const [which, where, madeUp] = draws(random);
    return this.references.pick(which, where) ?? madeUp();
  }

  attrId(random: Random): string {
    const [which, where, madeUp] = draws(random);
    return this.attrIds.pick(which, where) ?? madeUp();
  }

  get sizes(): Record<string, number> {
    return { streams: this.streams.size, references: this.references.size, attrIds: this.attrIds.size, requests: this.requestIds.size };
  }
}
