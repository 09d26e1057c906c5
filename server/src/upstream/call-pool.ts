/**
 * A bound on concurrent outbound calls: at most `maxConcurrent` at once, a
 * short queue behind them, and a wait of at most `maxWaitMs` in it. A flood
 * of requests then cannot pile up sockets towards the core; what does not fit
 * is refused at once (PoolBusyError) and answered 503 by the route.
 */
export class PoolBusyError extends Error {
  override name = 'PoolBusyError';
}

export interface CallPoolOptions {
  maxConcurrent: number;
  maxQueued: number;
  maxWaitMs: number;
}

export interface CallPool {
  run<T>(call: () => Promise<T>): Promise<T>;
}

export function createCallPool({ maxConcurrent, maxQueued, maxWaitMs }: CallPoolOptions): CallPool {
  let active = 0;
  const queue: Array<{ start: () => void; timer: NodeJS.Timeout }> = [];

  function release(): void {
    active -= 1;
    const next = queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.start();
    }
  }

  function slot(): Promise<void> {
    if (active < maxConcurrent) {
      active += 1;
      return Promise.resolve();
    }
    if (queue.length >= maxQueued) return Promise.reject(new PoolBusyError('too many calls waiting'));
    return new Promise((resolve, reject) => {
      const entry = {
        start: () => {
          active += 1;
          resolve();
        },
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(entry), 1);
          reject(new PoolBusyError('waited too long for a free call'));
        }, maxWaitMs),
      };
      queue.push(entry);
    });
  }

  return {
    async run(call) {
      await slot();
      try {
        return await call();
      } finally {
        release();
      }
    },
  };
}
