/**
 * A `text/event-stream` parser for streams read with fetch (EventSource cannot
 * send an Authorization header). Follows the HTML standard's rules: lines end
 * in CRLF, LF or CR (also when a chunk splits them), `:` starts a comment,
 * `data` lines join with newlines, an event is dispatched at a blank line and
 * only when it has data, and the last `id` is kept across events.
 */
export interface SseEvent {
  /** The `event` field, `message` when absent. */
  type: string;
  data: string;
  /** The last `id` seen on the stream so far (what Last-Event-ID carries). */
  lastEventId: string;
}

export class SseParser {
  #rest = '';
  #started = false;
  #type = '';
  #data = '';
  #id: string;
  readonly #onEvent: (event: SseEvent) => void;

  constructor(onEvent: (event: SseEvent) => void, lastEventId = '') {
    this.#onEvent = onEvent;
    this.#id = lastEventId;
  }

  /** The last event id seen, or the one it started with. */
  get lastEventId(): string {
    return this.#id;
  }

  /** Feeds decoded text as it arrives. */
  push(chunk: string): void {
    let text = this.#rest + chunk;
    if (!this.#started && text) {
      this.#started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    // A CR at the end may be the first half of a CRLF: decide with the next chunk.
    const cut = text.endsWith('\r') ? text.length - 1 : text.length;
    const lines = text.slice(0, cut).split(/\r\n|\r|\n/);
    this.#rest = lines.pop()! + text.slice(cut);
    for (const line of lines) this.#line(line);
  }

  #line(line: string): void {
    if (!line) return this.#dispatch();
    if (line.startsWith(':')) return; // comment (heartbeat)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#type = value;
    else if (field === 'data') this.#data += value + '\n';
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    // `retry` and unknown fields are ignored: reconnecting is ours to pace.
  }

  #dispatch(): void {
    const type = this.#type;
    const data = this.#data;
    this.#type = this.#data = '';
    if (data) this.#onEvent({ type: type || 'message', data: data.slice(0, -1), lastEventId: this.#id });
  }
}
