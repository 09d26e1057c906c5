/**
 * WebKitGTK's WebDriver (`WebKitWebDriver`) on a loopback port of its own,
 * with MiniBrowser on a virtual display (display.ts). The system preferences
 * go in as the browser's dark-mode flag and the GTK setting WebKitGTK reads
 * for reduced motion.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../process-probe.ts';
import { ensureDisplay } from './display.ts';
import { ENGINES, WEBKIT_MINIBROWSER, type Preferences } from './engines.ts';

export interface WebKitDriver {
  hostname: string;
  port: number;
  /** The WebDriver capabilities that start a MiniBrowser with these preferences. */
  capabilities: Record<string, unknown>;
  close(): void;
}

/** `language`: the browser's language as a BCP 47 tag (`nl-NL`); WebKitGTK takes it from the environment. */
export async function startWebKitDriver(preferences: Preferences, language?: string): Promise<WebKitDriver> {
  const display = await ensureDisplay();
  const config = mkdtempSync(join(tmpdir(), 'idc-webkit-'));
  mkdirSync(join(config, 'gtk-3.0'));
  writeFileSync(join(config, 'gtk-3.0', 'settings.ini'), `[Settings]\ngtk-enable-animations=${preferences.reducedMotion ? 'false' : 'true'}\n`);
  const port = await freePort();
  const driver = spawn(ENGINES.webkit.binary, [`--port=${port}`, '--host=127.0.0.1'], {
    env: {
      ...process.env,
      DISPLAY: display,
      XDG_CONFIG_HOME: config,
      WEBKIT_DISABLE_COMPOSITING_MODE: '1',
      ...(language ? { LANGUAGE: `${language.replace('-', '_')}:${language.split('-')[0]}` } : {}),
    },
    stdio: 'ignore',
  });
  const exited = new Promise<never>((_, reject) => {
    driver.on('error', (error) => reject(new Error(`${ENGINES.webkit.binary} could not start (${error.message}): apt-get install -y webkit2gtk-driver`)));
    driver.on('exit', (code) => reject(new Error(`WebKitWebDriver exited (${code})`)));
  });
  exited.catch(() => undefined);
  const close = () => driver.kill('SIGTERM');
  process.once('exit', close);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ready = await Promise.race([
      fetch(`http://127.0.0.1:${port}/status`).then((response) => response.ok, () => false),
      exited,
    ]);
    if (ready) break;
    if (Date.now() > deadline) {
      close();
      throw new Error('WebKitWebDriver did not answer within 10 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const args = ['--automation', ...(preferences.colorScheme === 'dark' ? ['--dark-mode'] : [])];
  return {
    hostname: '127.0.0.1',
    port,
    capabilities: {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: WEBKIT_MINIBROWSER, args },
      // Classic WebDriver: webdriverio 9 asks for BiDi otherwise, which this driver does not match.
      'wdio:enforceWebDriverClassic': true,
    },
    close,
  };
}
