/**
 * The municipality's website: serves the chat page, its stylesheet and script
 * as static files, with the backend's URL filled into the page (where the
 * widget script comes from and where the widget talks to).
 */
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';

export interface ChatAppOptions {
  /** The communication plugin's backend as browsers reach it. */
  backendUrl: string;
  /** Where method icons come from (the core's public URL). */
  iconsUrl: string;
}

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/chat.css': { file: 'chat.css', type: 'text/css; charset=utf-8' },
  '/chat.js': { file: 'chat.js', type: 'text/javascript; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Read on each request: someone editing the page sees the change on reload.
function readOwnFile(name: string): Promise<string> {
  return readFile(new URL(name, import.meta.url), 'utf8');
}

export function createChatApp({ backendUrl, iconsUrl }: ChatAppOptions): Hono {
  const backend = new URL(backendUrl).origin;
  const icons = new URL(iconsUrl).origin;
  // What a municipality would ship: only its own files, the widget's backend and the icons.
  const contentSecurityPolicy = [
    "default-src 'self'",
    `script-src 'self' ${backend}`,
    `connect-src 'self' ${backend}`,
    `img-src 'self' data: ${icons}`,
    "style-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  });

  app.get('/', async (c) => {
    const page = (await readOwnFile('index.html')).replaceAll('{{BACKEND}}', escapeAttribute(backendUrl.replace(/\/+$/, '')));
    return c.html(page, 200, { 'Content-Security-Policy': contentSecurityPolicy, 'Cache-Control': 'no-store' });
  });

  for (const [path, { file, type }] of Object.entries(STATIC_FILES)) {
    app.get(path, async (c) => c.body(await readOwnFile(file), 200, { 'Content-Type': type, 'Cache-Control': 'no-cache' }));
  }

  return app;
}
