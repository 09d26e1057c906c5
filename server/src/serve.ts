/**
 * Listening on a port, for `main.ts`, the demo and tests alike. `close()`
 * ends open connections (event streams stay open otherwise) before closing.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';

/** Anything with a fetch handler: a Hono app, or a forwarder to one made later. */
export interface FetchHandler {
  fetch(request: Request): Response | Promise<Response>;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export function serveApp(app: FetchHandler, { port = 0, host = '127.0.0.1' }: { port?: number; host?: string } = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: (request: Request) => app.fetch(request), port, hostname: host }, (info: AddressInfo) => {
      const address = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${address}:${info.port}`,
        server: server as Server,
        close: () =>
          new Promise<void>((done) => {
            (server as Server).closeAllConnections();
            server.close(() => done());
          }),
      });
    }) as Server;
    server.once('error', reject);
  });
}
