/** The fetch-side event-stream parser (shared/sse.ts), by the HTML standard's rules. */
import { expect } from '@open-wc/testing';
import { SseParser, type SseEvent } from '../../src/shared/sse.js';

function parse(chunks: string[], lastEventId?: string) {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e), lastEventId);
  for (const chunk of chunks) parser.push(chunk);
  return { events, lastEventId: parser.lastEventId };
}

describe('SSE parser', () => {
  it('reads events with type, id and data; comments are skipped', () => {
    const { events, lastEventId } = parse([': heartbeat\n\nevent: identity\nid: 7\ndata: {"id":"a"}\n\n: heartbeat\n\n']);
    expect(events).to.deep.equal([{ type: 'identity', data: '{"id":"a"}', lastEventId: '7' }]);
    expect(lastEventId).to.equal('7');
  });

  it('handles every line ending, also split across chunks', () => {
    const whole = 'event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n';
    const expected = [
      { type: 'a', data: '1', lastEventId: '' },
      { type: 'b', data: '2', lastEventId: '' },
      { type: 'message', data: '3', lastEventId: '' },
    ];
    expect(parse([whole]).events).to.deep.equal(expected);
    // Every split point, including between a CR and its LF.
    for (let i = 1; i < whole.length; i++) {
      expect(parse([whole.slice(0, i), whole.slice(i)]).events, `split at ${i}`).to.deep.equal(expected);
    }
    expect(parse([...whole]).events, 'one character at a time').to.deep.equal(expected);
  });

  it('joins data lines with newlines; takes one space after the colon; no data, no event', () => {
    const { events } = parse(['data:a\ndata:  b\ndata\n\nevent: empty\n\nevent: x\ndata: {}\n\n']);
    expect(events).to.deep.equal([
      { type: 'message', data: 'a\n b\n', lastEventId: '' },
      { type: 'x', data: '{}', lastEventId: '' },
    ]);
  });

  it('keeps the last id across events and from before; ignores an id with NUL, retry and unknown fields', () => {
    const { events, lastEventId } = parse(['retry: 10\nfoo: bar\ndata: 1\n\nid: 3\ndata: 2\n\nid: 4\0\ndata: 3\n\n'], '2');
    expect(events.map((e) => e.lastEventId)).to.deep.equal(['2', '3', '3']);
    expect(lastEventId).to.equal('3');
  });

  it('drops a byte order mark at the start, and an unfinished event at the end', () => {
    expect(parse(['\uFEFFdata: 1\n\ndata: 2\n']).events).to.deep.equal([{ type: 'message', data: '1', lastEventId: '' }]);
  });
});
