/**
 * A real redis-server for tests: its own process on an ephemeral loopback
 * port (never 6379), no persistence (`--save "" --appendonly no`), a temp
 * directory for an explicit SAVE. It can be stopped and started again on the
 * same port, to test what a store does while Redis is away.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './process-probe.ts';

export const REDIS_SERVER_BINARY = process.env.IDC_REDIS_SERVER ?? '/usr/bin/redis-server';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Where an explicit SAVE writes `dump.rdb`. */
  readonly dir: string;
  /** Stops the process (SIGTERM) and waits for it to exit; the port stays reserved for start(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connected, but answering nothing. */
  pause(): void;
  /** Lets a paused process go on (SIGCONT). */
  resume(): void;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}


/** True when something on the port answers PING with PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startRedisServer(): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER_BINARY)) {
    throw new Error(`${REDIS_SERVER_BINARY} is missing: apt-get install -y redis-server (or set IDC_REDIS_SERVER)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'idc-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function launch(onPort: number): Promise<boolean> {
    const args = ['--port', String(onPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'];
    const process_ = spawn(REDIS_SERVER_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    process_.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let gone = false;
    exited = new Promise((resolve) => process_.once('exit', () => ((gone = true), resolve())));
    process_.once('error', () => (gone = true));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (gone) {
        if (stderr) console.warn(`redis-server on port ${onPort} exited: ${stderr.trim().slice(0, 500)}`);
        return false;
      }
      if (await pings(onPort)) {
        child = process_;
        return true;
      }
      if (process_.exitCode !== null) gone = true;
      await sleep(20);
    }
    process_.kill('SIGKILL');
    await exited;
    return false;
  }

  // Another process may take the port between freePort() and the launch: try a few.
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    const candidate = await freePort();
    if (candidate === 6379) continue;
    if (await launch(candidate)) port = candidate;
  }
  if (!child) throw new Error('could not start redis-server');
  // A test run that ends without close() must not leave the server behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop,
    async start() {
      if (child) return;
      const deadline = Date.now() + 10_000;
      // The old socket may linger a moment after the process exits.
      while (!(await launch(port))) {
        if (Date.now() > deadline) throw new Error(`could not start redis-server again on port ${port}`);
        await sleep(100);
      }
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async close() {
      process.off('exit', killOnExit);
      child?.kill('SIGCONT');
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
