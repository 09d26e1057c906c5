/**
 * Browser side of the request tests: what each widget's request stream
 * received, per guest ticket, read from a copy of the stream (the page's
 * fetch is wrapped; the widget reads the other copy as always). So a test
 * can prove a widget heard its conversation's `request` events, and only
 * those, without waiting for time.
 */
import { SseParser, type SseEvent } from '../../src/shared/sse.js';

export interface RequestSpy {
  /** The `request` events' data, parsed, that the stream opened with this ticket received so far. */
  received(ticket: string): { request: { id: string; status: string } | null }[];
  restore(): void;
}

export function spyOnRequestStreams(): RequestSpy {
  const original = window.fetch;
  const seen = new Map<string, SseEvent[]>();
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await original(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    if (!new URL(url).pathname.endsWith('/requests/events') || !response.body) return response;
    const ticket = auth.replace(/^Bearer /, '');
    const [theirs, ours] = response.body.tee();
    const events = seen.get(ticket) ?? [];
    seen.set(ticket, events);
    const parser = new SseParser((event) => events.push(event));
    void (async () => {
      const reader = ours.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        parser.push(value!);
      }
    })();
    return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    received: (ticket) => (seen.get(ticket) ?? []).filter((e) => e.type === 'request').map((e) => JSON.parse(e.data)),
    restore: () => {
      window.fetch = original;
    },
  };
}
