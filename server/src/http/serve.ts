/**
 * Listening on a port, for `main.ts`, the demo and tests alike. `close()`
 * ends open connections (event streams stay open otherwise) before closing.
 *
 * Slow clients are cut off: headers must arrive within `headersTimeout` and
 * the whole request within `requestTimeout`, checked every
 * `connectionsCheckingInterval`, so a body trickling in a byte at a time
 * holds a connection for half a minute at most, not Node's default 5 minutes.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';

/** Anything with a fetch handler: a Hono app, or a forwarder to one made later. */
export interface FetchHandler {
  /** `env` carries @hono/node-server's `{ incoming, outgoing }`, for reading bodies without a web stream. */
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

export interface RunningServer {
  url: string;
  server: Server;
  /** Ends every connection at once and stops listening. */
  close(): Promise<void>;
  /**
   * Stops accepting connections and lets requests in flight finish; what is still open after
   * `graceMs` is cut off. Resolves once the server has closed.
   */
  drain(graceMs: number): Promise<void>;
}

export interface SlowClientLimits {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
}

export const SLOW_CLIENT_LIMITS: SlowClientLimits = {
  headersTimeout: 15_000,
  requestTimeout: 20_000,
  connectionsCheckingInterval: 2_000,
};

export interface ServeOptions {
  port?: number;
  host?: string;
  limits?: SlowClientLimits;
}

export function serveApp(app: FetchHandler, { port = 0, host = '127.0.0.1', limits = SLOW_CLIENT_LIMITS }: ServeOptions = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: (request: Request, env: unknown) => app.fetch(request, env), port, hostname: host, serverOptions: { ...limits } },
      (info: AddressInfo) => {
        const address = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${address}:${info.port}`,
          server: server as Server,
          close: () =>
            new Promise<void>((done) => {
              (server as Server).closeAllConnections();
              server.close(() => done());
            }),
          drain: (graceMs) =>
            new Promise<void>((done) => {
              const http = server as Server;
              const cutOff = setTimeout(() => http.closeAllConnections(), graceMs);
              http.close(() => {
                clearTimeout(cutOff);
                done();
              });
              // Keep-alive connections with nothing in flight would hold close() until they time out.
              http.closeIdleConnections();
            }),
        });
      },
    ) as Server;
    server.once('error', reject);
  });
}
