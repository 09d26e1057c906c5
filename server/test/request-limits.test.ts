/**
 * Bodies are limited while they are read, unknown attr_urls are refused
 * before reading, slow clients are cut off, and a client that walks away
 * mid-body is an aborted request, not an internal error. Over real sockets:
 * these are properties of the Node server, not of the app alone.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveApp, SLOW_CLIENT_LIMITS, type RunningServer } from '../src/http/serve.ts';
import { seedSession, SITE_ORIGIN, testBackend } from '../../testkit/backend.ts';
import { rsaKeyPair, type TestKeyPair } from '../../testkit/keys.ts';

let ours: TestKeyPair;
let plugin: TestKeyPair;
beforeAll(() => {
  ours = rsaKeyPair();
  plugin = rsaKeyPair();
});

let backend: ReturnType<typeof testBackend>;
let running: RunningServer | undefined;
const sockets: Socket[] = [];

async function start(limits = SLOW_CLIENT_LIMITS) {
  backend = testBackend({
    ours,
    plugin,
    env: { IDC_CHAT_URL: `${SITE_ORIGIN}/chat`, IDC_PLUGIN_AUTH: 'off' },
  });
  running = await serveApp(backend.app, { limits });
  return running;
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await running?.close();
  running = undefined;
});

/** A raw HTTP/1.1 exchange: write `head` and whatever parts come, read what comes back. */
function rawSocket(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const url = new URL(running!.url);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      let data = '';
      const opened = Date.now();
      socket.on('data', (chunk) => (data += chunk.toString()));
      const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - opened)));
      socket.on('error', () => {});
      resolve({ socket, received: () => data, closed });
    });
    sockets.push(socket);
  });
}

function head(method: string, path: string, headers: Record<string, string>): string {
  const lines = Object.entries({ Host: 'localhost', ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const status = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);

describe('body limits', () => {
  it('refuses POST /sessions declaring 200 MB with 413 JSON before reading it, and makes no session', async () => {
    await start();
    const { socket, received } = await rawSocket();
    socket.write(head('POST', '/sessions', { 'Content-Type': 'application/json', 'Content-Length': String(200 * 1024 * 1024), Origin: SITE_ORIGIN }));
    socket.write('{"purpose":"report_move","auth_method":"irma","x":"');
    await waitFor(() => received().includes('payload_too_large'));
    expect(status(received())).toBe(413);
    expect(received()).toMatch(/content-type: application\/json/i);
    expect(backend.store.size).toBe(0);
  });

  it('counts a chunked body without a length and cuts it off past the limit', async () => {
    await start();
    const { socket, received, closed } = await rawSocket();
    socket.write(head('POST', '/sessions', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', Origin: SITE_ORIGIN }));
    socket.write(chunk(`{"purpose":"report_move","auth_method":"irma","x":"${'a'.repeat(4000)}`));
    for (let i = 0; i < 3; i += 1) socket.write(chunk('a'.repeat(4000)));
    await waitFor(() => status(received()) === 413);
    // The rest is not read: the connection closes after the answer.
    await closed;
    expect(backend.store.size).toBe(0);
  });

  it.each([
    ['/sessions', 8 * 1024],
    ['/sessions/attach', 20 * 1024],
    ['/start_communication', 20 * 1024],
  ])('holds %s to %i bytes: one more is 413, that many is read', async (path, limit) => {
    await start();
    const post = (size: number) => {
      const filler = 'a'.repeat(size - '{"purpose":"report_move","x":""}'.length);
      return fetch(`${running!.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN },
        body: `{"purpose":"report_move","x":"${filler}"}`,
      });
    };
    const over = await post(limit + 1);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: 'payload_too_large' });
    expect((await post(limit)).status).not.toBe(413);
  });

  it.each(['activity', 'logout'])('refuses a body on the %s route over 1 KB', async (route) => {
    await start();
    const session = await seedSession(backend.store);
    const response = await fetch(`${running!.url}/sessions/${session.id}/${route}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.token}`, Origin: SITE_ORIGIN },
      body: 'a'.repeat(2048),
    });
    expect(response.status).toBe(413);
    expect(await backend.store.get(session.id)).toBeDefined();
  });

  it('answers an unknown attr_id 404 at once, while its chunked body is still arriving', async () => {
    await start();
    const { socket, received } = await rawSocket();
    socket.write(head('POST', '/attributes/no-such-attr-id', { 'Content-Type': 'application/jwt', 'Transfer-Encoding': 'chunked' }));
    socket.write(chunk('eyJhbGciOi'));
    // The body never ends; the answer comes anyway.
    await waitFor(() => status(received()) === 404);
    expect(received()).toContain('unknown_attr_url');
  });

  it('refuses a result body over 16 KB at a known attr_url with 413', async () => {
    await start();
    const session = await seedSession(backend.store);
    const response = await fetch(`${running!.url}/attributes/${session.attrId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/jwt' },
      body: 'a'.repeat(16 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect((await backend.store.get(session.id))?.result).toBeUndefined();
  });
});

describe('slow and vanishing clients', () => {
  it('uses limits that drop a trickling body within 40 s by default', () => {
    const { requestTimeout, headersTimeout, connectionsCheckingInterval } = SLOW_CLIENT_LIMITS;
    expect(requestTimeout + connectionsCheckingInterval).toBeLessThanOrEqual(40_000);
    expect(headersTimeout).toBeLessThanOrEqual(requestTimeout);
  });

  it('puts those limits on the Node server', async () => {
    const { server } = await start();
    expect(server.requestTimeout).toBe(SLOW_CLIENT_LIMITS.requestTimeout);
    expect(server.headersTimeout).toBe(SLOW_CLIENT_LIMITS.headersTimeout);
  });

  it('drops a body that arrives a byte at a time once the request timeout passes', async () => {
    await start({ headersTimeout: 800, requestTimeout: 1000, connectionsCheckingInterval: 100 });
    const { socket, closed } = await rawSocket();
    socket.write(head('POST', '/sessions', { 'Content-Type': 'application/json', 'Content-Length': '100', Origin: SITE_ORIGIN }));
    const drip = setInterval(() => socket.writable && socket.write('{'), 200);
    const heldMs = await closed;
    clearInterval(drip);
    expect(heldMs).toBeLessThan(2500);
  });

  it('drops a client whose headers never finish', async () => {
    await start({ headersTimeout: 500, requestTimeout: 1000, connectionsCheckingInterval: 100 });
    const { socket, closed } = await rawSocket();
    socket.write('POST /sessions HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-A: b\r\n'), 100);
    const heldMs = await closed;
    clearInterval(drip);
    expect(heldMs).toBeLessThan(2000);
  });

  it('logs a client that aborts mid-body as an aborted request at info, not an error', async () => {
    await start();
    const session = await seedSession(backend.store);
    const { socket } = await rawSocket();
    socket.write(head('POST', `/attributes/${session.attrId}`, { 'Content-Type': 'application/jwt', 'Content-Length': '5000' }));
    socket.write('eyJhbGciOiJSU0EtT0FFUCJ9.');
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await waitFor(() => backend.logger.lines.some((line) => line.startsWith('info request aborted')));
    expect(backend.logger.lines.join('\n')).not.toMatch(/^error/m);
    expect((await backend.store.get(session.id))?.result).toBeUndefined();
  });
});
