/**
 * The municipality's website: serves the chat page, its stylesheet and script
 * as static files, with the backend's URL filled into the page (where the
 * widget script comes from and where the widget talks to).
 *
 * With a ticket secret it is also the site's own server that ID Contact's
 * employee side needs: it keeps one conversation per browser (a cookie), puts
 * a guest ticket for it in the page, serves the employee console at `/agent`
 * with a host ticket, and greets the resident by the name the employee's side
 * received. With a webhook secret it receives the backend's signed webhooks.
 */
import { readFile } from 'node:fs/promises';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { Conversations } from './conversations.ts';
import { ticketMinter, type TicketMinter } from './tickets.ts';
import { verifiedName } from './verified-name.ts';
import { webhookReceiver, type ReceivedWebhook } from './webhook-receiver.ts';

export interface ChatAppOptions {
  /** The communication plugin's backend as browsers reach it. */
  backendUrl: string;
  /** Where method icons come from (the core's public URL). */
  iconsUrl: string;
  /** IDC_TICKET_SECRET as the backend has it: the page gets tickets, and the employee console is served. */
  ticketSecret?: string;
  /** IDC_WEBHOOK_SECRET as the backend has it: `POST /webhooks/id-contact` takes its webhooks. */
  webhookSecret?: string;
  onWebhook?: (event: ReceivedWebhook) => void;
}

/** What the resident's widget asks for; its guest ticket says so too. */
export const CHAT_PURPOSE = 'report_move';
export const WEBHOOK_PATH = '/webhooks/id-contact';
/** The stand-in for the municipality's case system that the console's BSN links open. */
export const CASE_PATH = '/zaak/';
/** The employee the demo console's host ticket names, for the backend's audit log. */
export const DEMO_AGENT_ID = 'medewerker-demo';

/**
 * What the console offers to ask the resident for, in the site's words (the core's own names,
 * when it has them, come first in the element).
 */
const CONSOLE_PURPOSES = {
  report_move: { nl: 'Verhuizing doorgeven', en: 'Report a move' },
  personal_question: { nl: 'Een persoonlijke vraag', en: 'A personal question' },
  request_permit: { nl: 'Vergunning aanvragen', en: 'Apply for a permit' },
};
const COOKIE = 'conversation';

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/chat.css': { file: 'chat.css', type: 'text/css; charset=utf-8' },
  '/chat.js': { file: 'chat.js', type: 'text/javascript; charset=utf-8' },
  '/agent.css': { file: 'agent.css', type: 'text/css; charset=utf-8' },
  '/case.js': { file: 'case.js', type: 'text/javascript; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Read on each request: someone editing the page sees the change on reload.
function readOwnFile(name: string): Promise<string> {
  return readFile(new URL(name, import.meta.url), 'utf8');
}

async function page(name: string, values: Record<string, string>): Promise<string> {
  let html = await readOwnFile(name);
  for (const [key, value] of Object.entries(values)) html = html.replaceAll(`{{${key}}}`, escapeAttribute(value));
  return html;
}

export function createChatApp({ backendUrl, iconsUrl, ticketSecret, webhookSecret, onWebhook }: ChatAppOptions): Hono {
  const backendBase = backendUrl.replace(/\/+$/, '');
  const backend = new URL(backendUrl).origin;
  const icons = new URL(iconsUrl).origin;
  const tickets: TicketMinter | undefined = ticketSecret ? ticketMinter(ticketSecret) : undefined;
  const conversations = new Conversations();
  // What a municipality would ship: only its own files, the widget's backend and the icons.
  const contentSecurityPolicy = [
    "default-src 'self'",
    `script-src 'self' ${backend}`,
    `connect-src 'self' ${backend}`,
    `img-src 'self' data: ${icons}`,
    "style-src 'self'",
    "base-uri 'none'",
    // The widget starts a login with a form POST to its backend (docs/binding.md).
    `form-action 'self' ${backend}`,
    "frame-ancestors 'none'",
  ].join('; ');
  const htmlHeaders = { 'Content-Security-Policy': contentSecurityPolicy, 'Cache-Control': 'no-store' };
  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  });

  /** This browser's conversation, started when it has none the site knows. */
  const conversationOf = (c: Context, fresh = false): string => {
    const known = getCookie(c, COOKIE);
    if (!fresh && conversations.has(known)) return known;
    const id = conversations.create();
    setCookie(c, COOKIE, id, { httpOnly: true, sameSite: 'Lax', path: '/' });
    return id;
  };
  const agentUrl = (conversation: string) => `/agent?conversation=${encodeURIComponent(conversation)}`;

  app.get('/', async (c) => {
    const conversation = tickets ? conversationOf(c) : '';
    const ticket = tickets ? await tickets.mint('guest', conversation, { purpose: CHAT_PURPOSE }) : '';
    const html = await page('index.html', {
      BACKEND: backendBase,
      TICKET: ticket,
      AGENT_URL: tickets ? agentUrl(conversation) : '',
    });
    return c.html(html, 200, htmlHeaders);
  });

  for (const [path, { file, type }] of Object.entries(STATIC_FILES)) {
    app.get(path, async (c) => c.body(await readOwnFile(file), 200, { 'Content-Type': type, 'Cache-Control': 'no-cache' }));
  }

  if (tickets) {
    /** "Nieuw gesprek": a new conversation, and a guest ticket for it. Same-origin only. */
    app.post('/conversation', async (c) => {
      if (c.req.header('Sec-Fetch-Site') !== 'same-origin' && c.req.header('Origin') !== new URL(c.req.url).origin) {
        return c.json({ error: 'same_origin_only' }, 403);
      }
      const conversation = conversationOf(c, true);
      const ticket = await tickets.mint('guest', conversation, { purpose: CHAT_PURPOSE });
      return c.json({ ticket, agent_url: agentUrl(conversation) }, 200, { 'Cache-Control': 'no-store' });
    });

    /** The scripted agent's greeting uses what the employee's side received. */
    app.get('/conversation/verified-name', async (c) => {
      const conversation = getCookie(c, COOKIE);
      if (!conversations.has(conversation)) return c.json({ name: null }, 404);
      return c.json({ name: await verifiedName(backendBase, tickets, conversation) }, 200, { 'Cache-Control': 'no-store' });
    });

    /** The employee console. The demo has no employee login: knowing the address is enough. */
    app.get('/agent', async (c) => {
      const asked = c.req.query('conversation');
      const conversation = asked === undefined ? conversations.latest() : conversations.has(asked) ? asked : undefined;
      if (!conversation) {
        const html = await page('agent-none.html', {});
        return c.html(html, 404, htmlHeaders);
      }
      const html = await page('agent.html', {
        BACKEND: backendBase,
        TICKET: await tickets.mint('host', conversation, { agent: DEMO_AGENT_ID }),
        CONVERSATION: conversation,
        PURPOSES: JSON.stringify(CONSOLE_PURPOSES),
        // The BSN goes in the fragment: a browser never sends it to a server, so no access log holds it.
        LINKS: JSON.stringify({ bsn: `${new URL(c.req.url).origin}${CASE_PATH}#bsn={value}` }),
      });
      return c.html(html, 200, htmlHeaders);
    });

    /** The case system's stand-in: reads the BSN from the fragment, in the browser only. */
    app.get(CASE_PATH, async (c) => c.html(await page('case.html', {}), 200, htmlHeaders));
  }

  if (webhookSecret) app.route(WEBHOOK_PATH, webhookReceiver(webhookSecret, onWebhook ?? (() => {})));

  return app;
}
