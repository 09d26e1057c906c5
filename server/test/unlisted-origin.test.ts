/**
 * Browser requests from a page on an origin not on IDC_ALLOWED_ORIGINS (or,
 * for /agent/*, IDC_AGENT_ORIGINS) are logged at warn for the operator: at
 * most once a minute per origin, a bounded number of origins remembered, the
 * origin only (never a path or an id).
 */
import { describe, expect, it } from 'vitest';
import { unlistedOriginLog } from '../src/http/allowed-origin.ts';
import { recordingLogger, seedSession, SITE_ORIGIN, testBackend } from '../../testkit/backend.ts';
import { rsaKeyPair } from '../../testkit/keys.ts';

const ours = rsaKeyPair();
const plugin = rsaKeyPair();
const OTHER = 'https://other-site.example';

/** A backend whose clock the test moves. */
function backendWithClock(env: Record<string, string> = {}) {
  let now = Date.parse('2025-01-01T12:00:00Z');
  const backend = testBackend({ ours, plugin, env, deps: { now: () => new Date(now) } });
  const warnings = () => backend.logger.lines.filter((line) => line.startsWith('warn ') && line.includes('origin not on'));
  return { ...backend, warnings, advance: (ms: number) => void (now += ms) };
}

describe('requests from an origin not on IDC_ALLOWED_ORIGINS', () => {
  it('are logged at warn once a minute per origin, naming the origin and the variable', async () => {
    const { app, warnings, advance } = backendWithClock();
    for (let i = 0; i < 3; i++) await app.request('/session_options/report_move', { headers: { Origin: OTHER } });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain('IDC_ALLOWED_ORIGINS');
    expect(JSON.parse(warnings()[0]!.slice(warnings()[0]!.indexOf('{')))).toEqual({ origin: OTHER });

    advance(59_000);
    await app.request('/session_options/report_move', { headers: { Origin: OTHER } });
    expect(warnings()).toHaveLength(1);
    advance(1_000);
    await app.request('/session_options/report_move', { headers: { Origin: OTHER } });
    expect(warnings()).toHaveLength(2);

    // Another origin has its own minute.
    await app.request('/session_options/report_move', { headers: { Origin: 'http://localhost:5173' } });
    expect(warnings()).toHaveLength(3);
    expect(warnings()[2]).toContain('"origin":"http://localhost:5173"');
  });

  it('are not logged from a listed origin, nor without an Origin (server to server)', async () => {
    const { app, warnings } = backendWithClock();
    await app.request('/session_options/report_move', { headers: { Origin: SITE_ORIGIN } });
    await app.request('/session_options/report_move');
    await app.request('/sessions', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: SITE_ORIGIN }, body: '{' });
    expect(warnings()).toEqual([]);
  });

  it('covers refused starts, CORS preflights and event streams, never logging the path or its ids', async () => {
    const { app, store, logger, warnings, advance } = backendWithClock();
    const refused = await app.request('/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: OTHER },
      body: JSON.stringify({ purpose: 'report_move', auth_method: 'irma' }),
    });
    expect(refused.status).toBe(403);
    expect(warnings()).toHaveLength(1);

    advance(60_000);
    await app.request('/sessions/attach', {
      method: 'OPTIONS',
      headers: { Origin: OTHER, 'Access-Control-Request-Method': 'POST' },
    });
    expect(warnings()).toHaveLength(2);

    advance(60_000);
    const session = await seedSession(store);
    await app.request(`/sessions/${session.id}/events?token=${session.token}`, { headers: { Origin: `${OTHER}/chat/${session.attrId}?x=1` } });
    expect(warnings()).toHaveLength(3);
    expect(warnings()[2]).toContain(`"origin":"${OTHER}"`);
    for (const secret of [session.id, session.token, session.attrId, '/chat']) {
      expect(logger.lines.filter((line) => line.startsWith('warn ')).join('\n')).not.toContain(secret);
    }
  });

  it('logs an Origin that is no origin ("null" from a sandboxed page, junk) as one fixed word', async () => {
    const { app, warnings } = backendWithClock();
    await app.request('/session_options/report_move', { headers: { Origin: 'null' } });
    await app.request('/session_options/report_move', { headers: { Origin: 'bsn=999993653' } });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain('"origin":"(not an origin)"');
    expect(warnings().join('\n')).not.toContain('999993653');
  });

  it('on /agent/*, names IDC_AGENT_ORIGINS (its own list)', async () => {
    const { app, warnings } = backendWithClock({ IDC_AGENT_ORIGINS: 'https://console.gemeente.example' });
    const response = await app.request('/agent/identities', { headers: { Origin: SITE_ORIGIN } });
    expect(response.status).toBe(403);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain('IDC_AGENT_ORIGINS');
    expect(warnings()[0]).toContain(`"origin":"${SITE_ORIGIN}"`);
    await app.request('/agent/identities', { headers: { Origin: 'https://console.gemeente.example' } });
    expect(warnings()).toHaveLength(1);
  });
});

describe('unlistedOriginLog', () => {
  it('remembers a bounded number of origins: past it, new ones are counted, not logged, until room comes', () => {
    const logger = recordingLogger();
    let now = 0;
    const note = unlistedOriginLog({ logger, now: () => now, intervalMs: 60_000, maxOrigins: 3 });
    for (let i = 0; i < 1000; i++) note(`https://site-${i}.example`, 'IDC_ALLOWED_ORIGINS');
    expect(logger.lines).toHaveLength(3);
    expect(logger.lines.map((line) => /"origin":"([^"]+)"/.exec(line)?.[1])).toEqual([
      'https://site-0.example',
      'https://site-1.example',
      'https://site-2.example',
    ]);
    // Those remembered are still held to their minute.
    note('https://site-1.example', 'IDC_ALLOWED_ORIGINS');
    expect(logger.lines).toHaveLength(3);

    // Once their minute is over, there is room again, and the next line says how many were left out.
    now = 60_000;
    note('https://site-5000.example', 'IDC_ALLOWED_ORIGINS');
    expect(logger.lines).toHaveLength(4);
    expect(logger.lines[3]).toMatch(/^warn .*"origin":"https:\/\/site-5000\.example","other_origins_not_logged":997\}$/);
    note('https://site-0.example', 'IDC_ALLOWED_ORIGINS');
    expect(logger.lines).toHaveLength(5);
    expect(logger.lines[4]).not.toContain('other_origins_not_logged');
  });
});
