/**
 * A loopback HTTP proxy in front of one backend, as some corporate and mobile
 * proxies behave, switchable per test:
 *
 * - `pass`: every response as it comes;
 * - `buffer`: each response's body held until the upstream response ends
 *   (headers at once), so an event stream never arrives;
 * - `stall`: event streams stop arriving where they are (open streams too)
 *   and stay open, ending never; other responses pass. A connection a phone
 *   lost while the login app was in front.
 *
 * It records the method and path of each request (never the query: the
 * stream token is in it), so a test can see the widget poll.
 */
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'buffer' | 'stall';

export interface BufferingProxy {
  url: string;
  setMode(mode: ProxyMode): void;
  /** `METHOD /path` of each request since the last `clearLog`. */
  log(): string[];
  clearLog(): void;
  close(): Promise<void>;
}

export async function startBufferingProxy(upstream: string): Promise<BufferingProxy> {
  const target = new URL(upstream);
  let mode: ProxyMode = 'pass';
  let seen: string[] = [];
  /** Event streams now passing: `stall` freezes them where they are. */
  const streaming = new Set<{ stalled: boolean }>();

  const relay = (req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${new URL(req.url ?? '/', 'http://proxy').pathname}`);
    const out = forward(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        const isStream = /^text\/event-stream/i.test(answer.headers['content-type'] ?? '');
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        const held: Buffer[] = [];
        const flow = { stalled: isStream && mode === 'stall' };
        const buffering = mode === 'buffer';
        if (isStream) streaming.add(flow);
        answer.on('data', (chunk: Buffer) => {
          if (flow.stalled) return; // never arrives
          if (buffering) held.push(chunk);
          else res.write(chunk);
        });
        answer.on('end', () => {
          streaming.delete(flow);
          if (flow.stalled) return; // stays open, silent
          res.end(Buffer.concat(held));
        });
        answer.on('error', () => res.destroy());
      },
    );
    out.on('error', () => res.destroy());
    // The client went away: so does the upstream request (a held stream would otherwise live on).
    res.on('close', () => out.destroy());
    req.pipe(out);
  };

  const server = createServer(relay);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setMode(next) {
      mode = next;
      if (next === 'stall') for (const flow of streaming) flow.stalled = true;
    },
    log: () => [...seen],
    clearLog() {
      seen = [];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
