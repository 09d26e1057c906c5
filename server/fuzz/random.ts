/**
 * Seeded randomness (mulberry32), so a fuzz run can be replayed from its
 * seed. Each request draws from its own generator, derived from the seed and
 * the request's number: request 1234 of a seed is the same shape in every run.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static forRequest(seed: number, index: number): Random {
    return new Random((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  }

  /** In [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, max). */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(items.length)]!;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }

  string(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  /** Mostly short, sometimes long, rarely huge: where the edge cases are. */
  length(): number {
    const roll = this.next();
    if (roll < 0.6) return this.int(40);
    if (roll < 0.9) return this.between(40, 2_000);
    if (roll < 0.99) return this.between(2_000, 20_000);
    return this.between(20_000, 200_000);
  }
}
