/**
 * The shared timers of event streams: deadlines fire in order, each at its
 * time (never early), cancelled ones never; one timer serves them all; the
 * heartbeat interval is one for all members and stops when none is left.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines, Heartbeats } from '../src/streams/stream-timers.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Deadlines', () => {
  it('fires each deadline at its time, in order, whatever order they came in', () => {
    const deadlines = new Deadlines();
    const fired: Array<[string, number]> = [];
    const at = (name: string, ms: number) => deadlines.add(1_000_000 + ms, () => fired.push([name, Date.now() - 1_000_000]));
    at('c', 300);
    at('a', 100);
    at('d', 300);
    at('b', 200);
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([['a', 100]]);
    vi.advanceTimersByTime(150);
    expect(fired).toEqual([
      ['a', 100],
      ['b', 200],
    ]);
    vi.advanceTimersByTime(100);
    // Two deadlines at one time both fire then (in either order).
    expect(fired.slice(2).sort()).toEqual([
      ['c', 300],
      ['d', 300],
    ]);
    expect(deadlines.size).toBe(0);
  });

  it('never fires a cancelled deadline', () => {
    const deadlines = new Deadlines();
    const fire = vi.fn();
    const cancel = deadlines.add(1_000_100, fire);
    const kept = vi.fn();
    deadlines.add(1_000_200, kept);
    cancel();
    vi.advanceTimersByTime(500);
    expect(fire).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledOnce();
  });

  it('uses one timer for any number of deadlines, moved earlier when an earlier one comes', () => {
    const deadlines = new Deadlines();
    for (let i = 0; i < 1000; i++) deadlines.add(1_000_000 + 10_000 + i, () => {});
    expect(vi.getTimerCount()).toBe(1);
    const early = vi.fn();
    deadlines.add(1_000_050, early);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50);
    expect(early).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(20_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires a deadline already past at once, and one added while firing', () => {
    const deadlines = new Deadlines();
    const later = vi.fn();
    deadlines.add(999_000, () => deadlines.add(1_000_010, later));
    vi.advanceTimersByTime(0);
    expect(later).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10);
    expect(later).toHaveBeenCalledOnce();
  });
});

describe('Heartbeats', () => {
  it('beats every member once an interval on one timer, and stops when the last leaves', () => {
    const heartbeats = new Heartbeats(1000);
    const members = Array.from({ length: 500 }, () => ({ beat: vi.fn() }));
    for (const member of members) heartbeats.add(member);
    expect(vi.getTimerCount()).toBe(1);
    // No first beat before half an interval (a slow first write is no stall).
    vi.advanceTimersByTime(499);
    expect(members.some((member) => member.beat.mock.calls.length > 0)).toBe(false);
    vi.advanceTimersByTime(501);
    expect(members.every((member) => member.beat.mock.calls.length === 1)).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(members.every((member) => member.beat.mock.calls.length === 2)).toBe(true);
    heartbeats.delete(members[0]!);
    vi.advanceTimersByTime(1000);
    expect(members[0]!.beat).toHaveBeenCalledTimes(2);
    expect(members[1]!.beat).toHaveBeenCalledTimes(3);
    for (const member of members) heartbeats.delete(member);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('spreads the beats over the interval: no tick writes to more than its share of the streams', () => {
    const heartbeats = new Heartbeats(15_000);
    let beatsThisTick = 0;
    for (let i = 0; i < 10_000; i++) heartbeats.add({ beat: () => (beatsThisTick += 1) });
    let most = 0;
    // 150 slots of 100 ms; new members spread over the 76 furthest ahead: about 130 a tick, not 10,000.
    for (let elapsed = 0; elapsed < 30_000; elapsed += 100) {
      beatsThisTick = 0;
      vi.advanceTimersByTime(100);
      most = Math.max(most, beatsThisTick);
    }
    expect(most).toBeLessThanOrEqual(Math.ceil(10_000 / 76));
  });

  it('lets a member leave during a beat without skipping the others', () => {
    const heartbeats = new Heartbeats(100);
    const second = { beat: vi.fn() };
    const first = { beat: vi.fn(() => heartbeats.delete(first)) };
    heartbeats.add(first);
    heartbeats.add(second);
    vi.advanceTimersByTime(100);
    expect(first.beat).toHaveBeenCalledOnce();
    expect(second.beat).toHaveBeenCalledOnce();
    expect(heartbeats.size).toBe(1);
  });
});
