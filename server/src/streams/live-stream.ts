/**
 * What every open event stream of the backend has in common, the residents'
 * and the employees' alike: it counts in the streams metric, beats on the
 * shared heartbeat, ends when the process shuts down or the store is lost
 * (its client reconnects, here or on another instance), and, however it
 * ends, runs its cleanups once and gives back its stream slot.
 */
import type { AppContext } from '../context.ts';
import type { EventStream } from './event-stream.ts';
import type { Beating } from './stream-timers.ts';

export abstract class LiveStream implements Beating {
  private readonly cleanups: Array<() => void> = [];

  constructor(
    protected readonly context: AppContext,
    protected readonly stream: EventStream,
    protected readonly streamId: string,
    private readonly kind: 'resident' | 'agent',
  ) {}

  /** Sets up what every stream shares; false when it is over already (the process is stopping). */
  protected open(): boolean {
    const { deps, streams } = this.context;
    const finish = () => this.stream.end();
    this.stream.onEnd = () => this.cleanUp();
    deps.metrics.streamsOpen.inc({ kind: this.kind });
    this.onCleanUp(() => deps.metrics.streamsOpen.dec({ kind: this.kind }));
    streams.heartbeats.add(this);
    this.onCleanUp(() => streams.heartbeats.delete(this));
    const stopWatchingStore = deps.store.onUnavailable?.(finish);
    if (stopWatchingStore) this.onCleanUp(stopWatchingStore);
    deps.shutdown.addEventListener('abort', finish);
    this.onCleanUp(() => deps.shutdown.removeEventListener('abort', finish));
    if (this.stream.isEnded) this.cleanUp();
    else if (deps.shutdown.aborted) finish();
    else return true;
    return false;
  }

  /** Runs once when the stream ends, with every other cleanup. */
  protected onCleanUp(...cleanups: Array<() => void>): void {
    this.cleanups.push(...cleanups);
  }

  /** A heartbeat still unsent after a whole interval means nobody is reading: the stream ends. */
  beat(): void {
    if (this.stream.stalled) this.stream.end();
    else this.stream.comment('heartbeat');
  }

  protected cleanUp(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.context.deps.store.closeStream(this.streamId).catch(() => {
      // Unreachable store: the slot's lease runs out by itself.
    });
  }
}
