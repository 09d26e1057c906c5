/**
 * Runs a Hono app on a real HTTP server, by default on an ephemeral loopback
 * port, so stand-ins and tests talk real HTTP.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve as serveWithNode } from '@hono/node-server';
import type { Hono } from 'hono';

export interface ServeOptions {
  /** 0 (the default) lets the OS pick a free port. */
  port?: number;
  host?: string;
}

export interface RunningServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

// Hono's generic parameters vary per app; any app can be served.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHono = Hono<any, any, any>;

export function serve(app: AnyHono, { port = 0, host = '127.0.0.1' }: ServeOptions = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serveWithNode({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      const urlHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      // Closing twice (a test closing early, then its cleanup) returns the first close.
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${urlHost}:${info.port}`,
        server,
        close: () =>
          (closing ??= new Promise<void>((done, fail) => {
            // Without this, keep-alive connections hold close() open for seconds.
            server.closeAllConnections();
            server.close((error) => (error ? fail(error) : done()));
          })),
      });
    }) as Server;
    server.once('error', reject);
  });
}
