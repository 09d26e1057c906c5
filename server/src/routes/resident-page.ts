/**
 * The pages this backend shows a resident's browser itself (the return page,
 * and the launch's and return's refusals): one plain layout, in the widget's
 * language (`?lang=`) or the browser's, with a strict CSP.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export const PAGE_TEXT = {
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
    foreignTitle: 'Uw gegevens zijn niet doorgegeven',
    foreign:
      'Dit inloggen is in een andere browser of door iemand anders gestart. Daarom hebben we uw gegevens niet doorgegeven.',
    foreignOwn: 'Was u het zelf, in een gesprek op een andere telefoon of computer? Ga terug naar dat gesprek en log daar opnieuw in.',
    foreignWarn:
      'Had u dit niet verwacht, bijvoorbeeld omdat iemand u een link stuurde? Log dan niet opnieuw in via die link. Neem contact op met de gemeente via de website die u zelf opzoekt.',
    launchingTitle: 'Inloggen',
    launching: 'Ga verder naar het inloggen',
    launchTitle: 'Inloggen niet gestart',
    launch: 'Deze inlogpagina kan alleen worden geopend vanuit het gesprek op de website. Ga terug naar het gesprek en kies daar opnieuw hoe u wilt inloggen.',
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
    foreignTitle: 'Your details were not passed on',
    foreign: 'This login was started in another browser, or by someone else. That is why we did not pass on your details.',
    foreignOwn: 'Was it you, in a conversation on another phone or computer? Go back to that conversation and log in again there.',
    foreignWarn:
      'Did you not expect this, for example because someone sent you a link? Then do not log in again through that link. Contact the municipality through the website you look up yourself.',
    launchingTitle: 'Log in',
    launching: 'Continue to the login',
    launchTitle: 'Login not started',
    launch: 'This login page can only be opened from the conversation on the website. Go back to the conversation and choose how to log in there again.',
  },
};

export type PageLanguage = keyof typeof PAGE_TEXT;

/** The widget's language (`?lang=`, put on the URLs at start), else the browser's. */
export function pageLanguage(c: Context): PageLanguage {
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

/** JSON for an inline script: `<` escaped so no value can close the script element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export interface PageContent {
  lang: PageLanguage;
  title: string;
  /** Paragraphs; the last may be a link or text built by the caller. */
  body: Array<string | HtmlEscapedString | Promise<HtmlEscapedString>>;
  /** An inline script (run under the page's nonce). */
  script?: (nonce: string) => HtmlEscapedString | Promise<HtmlEscapedString>;
}

export function residentPage(c: Context, content: PageContent, status: 200 | 400 | 403 | 404 | 405 | 409 | 415): Response | Promise<Response> {
  const nonce = randomBytes(16).toString('base64');
  const page = html`<!doctype html>
<html lang="${content.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${content.title}</title>
<link rel="icon" href="data:,">
${STYLE}
</head>
<body>
<main>
  <h1>${content.title}</h1>
  ${content.body.map((paragraph) => html`<p>${paragraph}</p>`)}
</main>
${content.script ? content.script(nonce) : raw('')}
</body>
</html>`;
  return c.html(page, status, {
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  });
}
