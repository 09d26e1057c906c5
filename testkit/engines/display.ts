/**
 * A virtual display for engines without a headless mode (WebKitGTK): Xvfb on
 * a display number of its own choosing, with openbox as its window manager
 * (without one, a popup never takes focus, and focus bugs hide). Started once
 * per process and stopped when it exits. A DISPLAY already set is used as is.
 */
import { spawn, type ChildProcess } from 'node:child_process';

let started: Promise<string> | undefined;
const children: ChildProcess[] = [];

function stopAll(): void {
  for (const child of children.splice(0)) child.kill('SIGTERM');
}

async function startXvfb(): Promise<string> {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  children.push(xvfb);
  process.once('exit', stopAll);
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start within 10 s')), 10_000);
    xvfb.on('error', (error) => reject(new Error(`Xvfb could not start (${error.message}): apt-get install -y xvfb`)));
    (xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${out.trim()}`);
      }
    });
  });
  const openbox = spawn('openbox', [], { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
  openbox.on('error', () => undefined);
  children.push(openbox);
  return display;
}

/** The display to start windows on. */
export function ensureDisplay(): Promise<string> {
  if (process.env.DISPLAY) return Promise.resolve(process.env.DISPLAY);
  return (started ??= startXvfb());
}
