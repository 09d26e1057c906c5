/**
 * The timers of every open event stream, shared: one heartbeat interval for
 * all streams, and one timeout for the earliest expiry in an ordered queue,
 * instead of an interval and a timeout per stream. With 10,000 residents
 * waiting that is two timers, not 20,000.
 */

export interface Beating {
  /** Called every interval; the stream writes its heartbeat or, when stalled, ends. */
  beat(): void;
}

export class Heartbeats {
  private readonly members = new Set<Beating>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly intervalMs: number) {}

  add(member: Beating): void {
    this.members.add(member);
    if (!this.timer) {
      this.timer = setInterval(() => {
        for (const each of [...this.members]) each.beat();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  delete(member: Beating): void {
    this.members.delete(member);
    if (this.members.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  get size(): number {
    return this.members.size;
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
