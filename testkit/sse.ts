/** A minimal server-sent-events reader over fetch, for asserting exact streams. */
export interface SseMessage {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

export interface SseReader {
  response: Response;
  /** The reconnect delay the server set with `retry:` (ms), once read. */
  readonly retry: number | undefined;
  /** The next event or comment, or undefined if none arrives within `timeoutMs` or the stream ended. */
  next(timeoutMs?: number): Promise<SseMessage | undefined>;
  /** Resolves true once the server has ended the stream. */
  ended(timeoutMs?: number): Promise<boolean>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: controller.signal });
  return sseReader(response, controller);
}

/** A reader of a stream some other client opened; `controller` aborts its request. */
export function sseReader(response: Response, controller: AbortController): SseReader {
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  const queue: SseMessage[] = [];
  let buffer = '';
  let retry: number | undefined;
  let done = !reader || !response.ok;

  function parseBlocks() {
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: SseMessage = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) message.comment = line.slice(1).trim();
        else {
          const colon = line.indexOf(':');
          const field = line.slice(0, colon);
          const value = line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') message.data = message.data === undefined ? value : `${message.data}\n${value}`;
          else if (field === 'event' || field === 'id') message[field] = value;
          else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
        }
      }
      // A block that only sets the reconnect delay dispatches nothing (as in EventSource).
      if (Object.keys(message).length > 0) queue.push(message);
    }
  }

  let pending: Promise<void> | undefined;
  function pump(): Promise<void> {
    pending ??= (async () => {
      if (done || !reader) return;
      try {
        const chunk = await reader.read();
        if (chunk.done) done = true;
        else {
          buffer += decoder.decode(chunk.value, { stream: true });
          parseBlocks();
        }
      } catch {
        done = true;
      }
    })().finally(() => (pending = undefined));
    return pending;
  }

  async function next(timeoutMs = 2000): Promise<SseMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0 && !done) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([pump(), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
    return queue.shift();
  }

  return {
    response,
    get retry() {
      return retry;
    },
    next,
    async ended(timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (!done && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([pump(), new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())))]);
        clearTimeout(timer);
        queue.length = 0;
      }
      return done;
    },
    close: () => controller.abort(),
  };
}
