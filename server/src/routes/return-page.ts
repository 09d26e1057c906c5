/**
 * `GET /return/:session_id`, the comm_url: where the user's browser lands
 * after authenticating. It may carry the result as `?result=<JWE>` (the
 * core's fallback delivery), verified exactly like an attr_url POST.
 *
 * Opened as the widget's popup, the page closes itself; otherwise it sends the
 * user back to the page they came from, or tells them to go back to the chat.
 */
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { html, raw } from 'hono/html';
import { MAX_RESULT_BYTES } from '../auth-result.ts';
import type { AppContext } from '../context.ts';
import { takeResult } from '../result-intake.ts';

/** The widget names its login windows `id-contact-auth-<n>`, so the page knows to close. */
export const POPUP_WINDOW_NAME = 'id-contact-auth';

const TEXT = {
  nl: {
    title: 'Inloggen afgerond',
    refusedTitle: 'Inloggen niet gelukt',
    unknownTitle: 'Pagina niet gevonden',
    done: 'U bent klaar met inloggen.',
    back: 'Ga terug naar het gesprek om verder te gaan.',
    link: 'Terug naar het gesprek',
    closing: 'U kunt dit venster sluiten.',
    refused: 'We konden niet controleren of u bent ingelogd. Ga terug naar het gesprek en probeer het opnieuw.',
    unknown: 'Deze inlogpagina bestaat niet (meer). Ga terug naar het gesprek en log opnieuw in.',
  },
  en: {
    title: 'Login complete',
    refusedTitle: 'Login not completed',
    unknownTitle: 'Page not found',
    done: 'You have finished logging in.',
    back: 'Go back to the conversation to continue.',
    link: 'Back to the conversation',
    closing: 'You can close this window.',
    refused: 'We could not check your login. Go back to the conversation and try again.',
    unknown: 'This login page does not exist (any more). Go back to the conversation and log in again.',
  },
};

/** The widget's language (`?lang=`, put on the comm_url at start), else the browser's. */
function language(c: Context): keyof typeof TEXT {
  const asked = c.req.query('lang');
  if (asked === 'nl' || asked === 'en') return asked;
  const accept = c.req.header('Accept-Language') ?? '';
  const first = accept.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'nl';
}

const STYLE = html`<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
  main { max-width: 28rem; padding: 2rem; text-align: center; line-height: 1.5; }
  h1 { font-size: 1.4rem; }
  a { color: LinkText; }
  a:focus-visible { outline: 3px solid Highlight; outline-offset: 2px; }
</style>`;

const HEADERS = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

/** JSON for an inline script: `<` escaped so no value can close the script element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function returnPageRoutes(context: AppContext): Hono {
  const { deps } = context;
  return new Hono().get('/:session_id', async (c) => {
    const lang = language(c);
    const text = TEXT[lang];
    const session = await deps.store.get(c.req.param('session_id'));
    const token = c.req.query('result');

    let status: 200 | 400 | 404 | 409 = session ? 200 : 404;
    if (token !== undefined && session) {
      if (token.length > MAX_RESULT_BYTES) status = 400;
      else {
        const outcome = await takeResult(context, session, token, 'return_url');
        if (!outcome.accepted) status = outcome.status;
      }
    }
    // Refused or not, a session that has its result is done for this user.
    const refused = status !== 200 && !(status === 409 && session?.result);
    const [title, message] = !session ? [text.unknownTitle, text.unknown] : refused ? [text.refusedTitle, text.refused] : [text.title, text.done];
    const returnUrl = session?.returnUrl;
    const nonce = randomBytes(16).toString('base64');

    const page = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${STYLE}
</head>
<body>
<main>
  <h1>${title}</h1>
  <p>${message}</p>
  <p id="next">${returnUrl ? html`<a href="${returnUrl}">${text.link}</a>` : text.back}</p>
</main>
<script nonce="${nonce}">
  (function () {
    var returnUrl = ${raw(scriptJson(returnUrl ?? null))};
    // The result must not stay in the address bar or history.
    if (location.search) history.replaceState(null, '', location.pathname);
    if (window.name.indexOf(${raw(scriptJson(POPUP_WINDOW_NAME))}) === 0 || window.opener) {
      window.close();
      document.getElementById('next').textContent = ${raw(scriptJson(text.closing))};
    } else if (returnUrl) {
      location.replace(returnUrl);
    }
  })();
</script>
</body>
</html>`;

    return c.html(page, status, {
      ...HEADERS,
      'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    });
  });
}
