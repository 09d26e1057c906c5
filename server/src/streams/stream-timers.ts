/**
 * The timers of every open event stream, shared: one heartbeat timer for
 * all streams, and one timeout for the earliest expiry in an ordered queue,
 * instead of an interval and a timeout per stream. With 10,000 residents
 * waiting that is two timers, not 20,000.
 */

export interface Beating {
  /** Called every interval; the stream writes its heartbeat or, when stalled, ends. */
  beat(): void;
}

/**
 * Every member beats once an interval, on one timer. The interval is cut into slots and each
 * member lives in one: a tick beats one slot, so 10,000 streams are not written in one turn of
 * the event loop (which would hold up a result arriving then by tens of milliseconds).
 */
export class Heartbeats {
  private readonly slots: Array<Set<Beating>>;
  private readonly slotOf = new Map<Beating, Set<Beating>>();
  private timer?: NodeJS.Timeout;
  private tick = 0;
  private added = 0;

  constructor(
    intervalMs: number,
    private readonly slotCount = Math.max(1, Math.min(150, Math.floor(intervalMs / 10))),
    private readonly tickMs = intervalMs / slotCount,
  ) {
    this.slots = Array.from({ length: slotCount }, () => new Set<Beating>());
  }

  add(member: Beating): void {
    if (this.slotOf.has(member)) return;
    // Spread over the slots whose turn is half an interval or more away: the first beat is not
    // early enough to take a slow first write for a stalled client, and a burst of new
    // streams (a reconnect storm) does not land in one slot.
    const half = Math.ceil(this.slotCount / 2);
    const ahead = half + (this.added++ % (this.slotCount - half + 1));
    const slot = this.slots[(this.tick + ahead - 1) % this.slotCount]!;
    slot.add(member);
    this.slotOf.set(member, slot);
    if (!this.timer) {
      this.timer = setInterval(() => this.beatNextSlot(), this.tickMs);
      this.timer.unref();
    }
  }

  delete(member: Beating): void {
    const slot = this.slotOf.get(member);
    if (!slot) return;
    slot.delete(member);
    this.slotOf.delete(member);
    if (this.slotOf.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  get size(): number {
    return this.slotOf.size;
  }

  private beatNextSlot(): void {
    const slot = this.slots[this.tick % this.slotCount]!;
    this.tick += 1;
    for (const member of [...slot]) member.beat();
  }
}

interface Entry {
  at: number;
  fire: () => void;
  cancelled: boolean;
}

/** Deadlines in a binary min-heap, served by one timeout set for the earliest. */
export class Deadlines {
  private readonly heap: Entry[] = [];
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  /** Calls `fire` at `at` (epoch ms) unless the returned cancel is called first. */
  add(at: number, fire: () => void): () => void {
    const entry: Entry = { at, fire, cancelled: false };
    this.push(entry);
    this.arm();
    return () => {
      entry.cancelled = true;
    };
  }

  /** Deadlines not yet fired, cancelled ones included until they come up (they cost a few bytes). */
  get size(): number {
    return this.heap.length;
  }

  private arm(): void {
    const first = this.heap[0];
    if (!first) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && this.timerAt <= first.at) return;
    clearTimeout(this.timer);
    this.timerAt = first.at;
    // setTimeout's ceiling is about 24.8 days; a later deadline is looked at again then.
    this.timer = setTimeout(() => this.run(), Math.min(Math.max(0, first.at - this.now()), 2 ** 31 - 1));
    this.timer.unref();
  }

  private run(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    while (this.heap[0] && this.heap[0].at <= now) {
      const entry = this.pop()!;
      if (!entry.cancelled) entry.fire();
    }
    this.arm();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= entry.at) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left;
      if (heap[child]!.at >= last.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
