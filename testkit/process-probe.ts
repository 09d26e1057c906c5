/**
 * What the process tests, benches and fuzz ask of the operating system: a
 * loopback port free a moment ago, and a process's resident memory.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A loopback port the OS had free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A process's resident set size in KB (Linux /proc), or undefined once it is gone. */
export function rssKb(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb);
  } catch {
    return undefined;
  }
}
